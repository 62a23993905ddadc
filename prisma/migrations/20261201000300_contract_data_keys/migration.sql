-- Issue 16 (TNC-37.5 / NGN-43): per-contract personal-data keys (crypto-shredding at the deletion).
CREATE TABLE "ContractDataKey" (
    "contractId" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "destroyedAt" DATETIME
);
