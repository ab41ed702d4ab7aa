-- CreateTable
CREATE TABLE "RecommenderSnapshot" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "fingerprint" TEXT NOT NULL,
    "format" INTEGER NOT NULL,
    "behaviorSeq" INTEGER NOT NULL,
    "catalogSeq" INTEGER NOT NULL,
    "erasureSeq" INTEGER NOT NULL,
    "state" BLOB NOT NULL,
    "vectorIndex" BLOB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "RecommenderSnapshot_fingerprint_behaviorSeq_idx" ON "RecommenderSnapshot"("fingerprint", "behaviorSeq");
