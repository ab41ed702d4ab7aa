-- CreateTable
CREATE TABLE "Relation" (
    "id" SERIAL NOT NULL,
    "eventId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "otherUserId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Relation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Relation_userId_occurredAt_idx" ON "Relation"("userId", "occurredAt");

-- CreateIndex
CREATE INDEX "Relation_otherUserId_idx" ON "Relation"("otherUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Relation_userId_eventId_key" ON "Relation"("userId", "eventId");
