-- Issue 16 (TNC-37.5 / NGN-43): per-contract personal-data keys (crypto-shredding at the deletion).
CREATE TABLE "ContractDataKey" (
    "contractId" TEXT NOT NULL,
    "key" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "destroyedAt" TIMESTAMP(3),

    CONSTRAINT "ContractDataKey_pkey" PRIMARY KEY ("contractId")
);
