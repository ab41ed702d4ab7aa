-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "attributes" TEXT,
    "onboardingText" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Item" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "category" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "brand" TEXT,
    "price" REAL,
    "attributes" TEXT,
    "embedding" BLOB,
    "encoderId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Behavior" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "itemId" TEXT,
    "type" TEXT NOT NULL,
    "value" REAL,
    "text" TEXT,
    "occurredAt" DATETIME NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Profile" (
    "userId" TEXT NOT NULL PRIMARY KEY,
    "version" INTEGER NOT NULL,
    "eventCount" INTEGER NOT NULL,
    "state" BLOB NOT NULL,
    "summary" TEXT NOT NULL,
    "drift" REAL,
    "driftShort" REAL,
    "changedFacets" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ProfileVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "behaviorId" INTEGER,
    "drift" REAL,
    "driftShort" REAL,
    "changedFacets" TEXT NOT NULL DEFAULT '[]',
    "eventCount" INTEGER NOT NULL,
    "snapshot" BLOB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "asOf" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Item_category_idx" ON "Item"("category");

-- CreateIndex
CREATE INDEX "Item_encoderId_idx" ON "Item"("encoderId");

-- CreateIndex
CREATE INDEX "Behavior_userId_occurredAt_idx" ON "Behavior"("userId", "occurredAt");

-- CreateIndex
CREATE INDEX "Behavior_itemId_idx" ON "Behavior"("itemId");

-- CreateIndex
CREATE UNIQUE INDEX "Behavior_userId_eventId_key" ON "Behavior"("userId", "eventId");

-- CreateIndex
CREATE INDEX "ProfileVersion_userId_asOf_idx" ON "ProfileVersion"("userId", "asOf");

-- CreateIndex
CREATE UNIQUE INDEX "ProfileVersion_userId_version_key" ON "ProfileVersion"("userId", "version");
