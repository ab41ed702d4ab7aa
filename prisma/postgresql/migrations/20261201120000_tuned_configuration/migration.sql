-- CreateTable
CREATE TABLE "TunedConfiguration" (
    "id" SERIAL NOT NULL,
    "config" TEXT NOT NULL,
    "validation" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TunedConfiguration_pkey" PRIMARY KEY ("id")
);
