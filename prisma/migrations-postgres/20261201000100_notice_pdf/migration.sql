-- Written notices as PDF (issue 17): the rendered A4 document, its SHA-256 (hex) and when it was rendered.
-- AlterTable
ALTER TABLE "Notice" ADD COLUMN     "pdf" BYTEA,
ADD COLUMN     "pdfRenderedAt" TIMESTAMP(3),
ADD COLUMN     "pdfSha256" TEXT;
