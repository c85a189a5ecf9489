/** Reporting: contact records, interval aggregates and historical reports (docs/metrics.md). */
export * from './contact-record';
export * from './wait-histogram';
export * from './metrics';
export * from './aggregate.rules';
export * from './memory-buckets';
export * from './reporting.repository';
export * from './reporting.service';
export * from './reporting-feed';
export * from './report-query';
export * from './realtime';
export * from './call-search';
export * from './report-view';
