/**
 * Bulk import. The rules, as pure functions over data: read a CSV or JSON upload, validate every row up front (the
 * caller writes all accepted rows or nothing), follow a batch's progress, export its results as spreadsheet-safe CSV.
 * Row numbering: see bulk.types.ts (1-based data rows; the CSV header is row 0; CSV rows also carry their line).
 * Then the service behind the API and the queue trigger, its tables (`bulkRows`, `bulkBatches`) and storage queue.
 */
export * from './bulk.types';
export * from './upload';
export * from './csv-input';
export * from './json-input';
export * from './inventory';
export * from './validate';
export * from './upload-input';
export * from './progress';
export * from './csv-output';
export * from './bulk.repository';
export * from './provision-request.queue';
export * from './bulk-endpoints.port';
export * from './bulk-row.rules';
export * from './bulk-upload.service';
export * from './bulk-queue.service';
export * from './bulk-status.service';
