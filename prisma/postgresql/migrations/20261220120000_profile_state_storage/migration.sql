-- Profile states and snapshots (float16 vector blocks and a packed binary tree) do not compress by the 25% pglz
-- asks for, yet PostgreSQL tried to compress every one it stored and then kept it as it was: with the state
-- column's default storage that attempt was most of the write path's profile UPDATE (164 ms of a 500-row batch
-- against 31 ms without it). EXTERNAL stores them out of line uncompressed, which is what became of them anyway.
ALTER TABLE "Profile" ALTER COLUMN "state" SET STORAGE EXTERNAL;
ALTER TABLE "ProfileVersion" ALTER COLUMN "snapshot" SET STORAGE EXTERNAL;
