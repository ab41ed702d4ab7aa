-- CreateTable
CREATE TABLE "CatalogChange" (
    "id" SERIAL NOT NULL,
    "itemId" TEXT NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CatalogChange_pkey" PRIMARY KEY ("id")
);
