-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Contract" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "terms" TEXT NOT NULL,
    "termsVersion" TEXT NOT NULL,
    "planId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "customerName" TEXT NOT NULL,
    "customerEmail" TEXT NOT NULL,
    "customerKind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "queuePriority" INTEGER NOT NULL DEFAULT 0,
    "escalatedAt" DATETIME,
    "appliedAt" DATETIME NOT NULL,
    "formedAt" DATETIME,
    "serviceStart" TEXT,
    "billingStart" TEXT,
    "nextDeadline" TEXT,
    "nextDeadlineKind" TEXT,
    "endedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Contract" ("appliedAt", "billingStart", "channel", "customerEmail", "customerId", "customerKind", "customerName", "endedAt", "formedAt", "id", "nextDeadline", "nextDeadlineKind", "planId", "serviceStart", "status", "terms", "termsVersion", "updatedAt") SELECT "appliedAt", "billingStart", "channel", "customerEmail", "customerId", "customerKind", "customerName", "endedAt", "formedAt", "id", "nextDeadline", "nextDeadlineKind", "planId", "serviceStart", "status", "terms", "termsVersion", "updatedAt" FROM "Contract";
DROP TABLE "Contract";
ALTER TABLE "new_Contract" RENAME TO "Contract";
CREATE INDEX "Contract_status_idx" ON "Contract"("status");
CREATE INDEX "Contract_customerId_idx" ON "Contract"("customerId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

