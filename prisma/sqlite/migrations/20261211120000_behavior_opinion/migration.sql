-- AlterTable
ALTER TABLE "Behavior" ADD COLUMN "opinion" REAL;
