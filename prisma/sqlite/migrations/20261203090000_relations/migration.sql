-- CreateTable
CREATE TABLE "Relation" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "otherUserId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurredAt" DATETIME NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "Relation_userId_occurredAt_idx" ON "Relation"("userId", "occurredAt");

-- CreateIndex
CREATE INDEX "Relation_otherUserId_idx" ON "Relation"("otherUserId");

-- CreateIndex
CREATE UNIQUE INDEX "Relation_userId_eventId_key" ON "Relation"("userId", "eventId");
