-- NGN-40 2項 / NGN-41: an accelerated invoice keeps its original due date and the clause that moved it.
ALTER TABLE "Invoice" ADD COLUMN "acceleratedFrom" TEXT;
ALTER TABLE "Invoice" ADD COLUMN "accelerationClauseId" TEXT;
