// The devhost benchmark's app: a 5-activity chain of no-op activities, started over HTTP.
const { app } = require('@azure/functions');
const df = require('durable-functions');

df.app.orchestration('chain', function* (context) {
  let total = 0;
  for (let step = 0; step < 5; step++) total += yield context.df.callActivity('noop', { step });
  return total;
});

df.app.activity('noop', { handler: (input) => input.step });

df.app.client.http('startChain', {
  route: 'chain',
  methods: ['POST'],
  handler: async (_request, client) => {
    const instanceId = await client.startNew('chain', { input: {} });
    return { status: 202, jsonBody: { instanceId } };
  },
});

app.http('ping', { route: 'ping', methods: ['GET'], handler: async () => ({ body: 'pong' }) });
