-- CreateTable
CREATE TABLE "RecommenderSnapshot" (
    "id" SERIAL NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "format" INTEGER NOT NULL,
    "behaviorSeq" INTEGER NOT NULL,
    "catalogSeq" INTEGER NOT NULL,
    "erasureSeq" INTEGER NOT NULL,
    "state" BYTEA NOT NULL,
    "vectorIndex" BYTEA,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RecommenderSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RecommenderSnapshot_fingerprint_behaviorSeq_idx" ON "RecommenderSnapshot"("fingerprint", "behaviorSeq");
