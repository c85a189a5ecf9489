const { CallRepository } = require('/work/wt-selfsvc/dist/shared/calls');
const { TableClient } = require('/work/wt-selfsvc/node_modules/@azure/data-tables');
(async () => {
  const conn = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1';
  const t = TableClient.fromConnectionString(conn, 'calls', { allowInsecureConnection: true });
  const since = new Date(Date.now() - 15 * 60000).toISOString();
  const rows = [];
  for await (const e of t.listEntities({ queryOptions: { filter: `Timestamp ge datetime'${since}'` } })) rows.push(e);
  const repo = new CallRepository('UseDevelopmentStorage=true');
  for (const e of rows) {
    const c = await repo.get(e.partitionKey, e.rowKey);
    if (c?.record.arrival?.route.action !== 'menu') continue;
    console.log('CALL', e.rowKey, JSON.stringify({ tones: c.record.tones.map(x=>[x.sequenceId,x.tone]), cursor: c.record.menu?.toneCursor, visit: c.record.menu?.visit, state: c.record.menu?.state, posting: c.record.menu?.posting }));
    for (const ev of await repo.listEvents(e.partitionKey, e.rowKey)) console.log('  ', ev.seq, new Date(ev.at).toISOString().slice(17,23), ev.kind, ev.detail ?? '');
  }
})();
