-- NGN-39: the non-renewal deadline of the current period, so ops can list the contracts whose
-- deadline falls in a given week (GET /contracts?nonRenewalFrom=…&nonRenewalTo=…).
ALTER TABLE "Contract" ADD COLUMN "nonRenewalDeadline" TEXT;
CREATE INDEX "Contract_nonRenewalDeadline_idx" ON "Contract"("nonRenewalDeadline");
