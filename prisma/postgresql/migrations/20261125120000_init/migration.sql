-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "attributes" TEXT,
    "onboardingText" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Item" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "category" TEXT,
    "tags" TEXT NOT NULL DEFAULT '[]',
    "brand" TEXT,
    "price" DOUBLE PRECISION,
    "attributes" TEXT,
    "embedding" BYTEA,
    "encoderId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Item_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Behavior" (
    "id" SERIAL NOT NULL,
    "eventId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "itemId" TEXT,
    "type" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "text" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Behavior_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Profile" (
    "userId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "eventCount" INTEGER NOT NULL,
    "state" BYTEA NOT NULL,
    "summary" TEXT NOT NULL,
    "drift" DOUBLE PRECISION,
    "driftShort" DOUBLE PRECISION,
    "changedFacets" TEXT NOT NULL DEFAULT '[]',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Profile_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "ProfileVersion" (
    "id" SERIAL NOT NULL,
    "userId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "behaviorId" INTEGER,
    "drift" DOUBLE PRECISION,
    "driftShort" DOUBLE PRECISION,
    "changedFacets" TEXT NOT NULL DEFAULT '[]',
    "eventCount" INTEGER NOT NULL,
    "snapshot" BYTEA,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "asOf" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProfileVersion_pkey" PRIMARY KEY ("id")
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
