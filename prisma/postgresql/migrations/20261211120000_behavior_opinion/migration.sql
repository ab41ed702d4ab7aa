-- AlterTable
ALTER TABLE "Behavior" ADD COLUMN "opinion" DOUBLE PRECISION;
