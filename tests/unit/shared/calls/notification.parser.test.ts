import {
  CallNotificationError,
  parseCommsNotifications,
  parseNotification,
  validateCommsNotifications,
} from '../../../../shared/calls/notification.parser';
import { parseResourcePath } from '../../../../shared/calls/notification.schema';
import {
  AGENT_USER,
  CALL,
  CALLER_PARTICIPANT,
  RESOURCE_ACCOUNT,
  TENANT,
  envelope,
  incoming,
  operationDone,
  roster,
  stateUpdate,
  terminated,
  tone,
} from './fixtures';

describe('resource paths', () => {
  it.each([
    [`/communications/calls/${CALL}`, { kind: 'call', callId: CALL }],
    [`/app/calls/${CALL}`, { kind: 'call', callId: CALL }],
    [`communications/calls/${CALL}/operations/op1`, { kind: 'operation', callId: CALL, operationId: 'op1' }],
    [`/app/calls/${CALL}/participants`, { kind: 'participants', callId: CALL }],
    [`/communications/calls/${CALL}/participants/p1`, { kind: 'participants', callId: CALL, participantId: 'p1' }],
    [`/communications/calls/${CALL}/operations/participants`, { kind: 'participants', callId: CALL }],
    ['/communications/presences/x', { kind: 'other' }],
  ])('%s', (path, expected) => {
    expect(parseResourcePath(path)).toEqual(expected);
  });
});

describe('parseCommsNotifications', () => {
  it('reads an incoming call: target resource account, caller phone, tenant, call chain, caller participant', () => {
    const [e] = parseCommsNotifications(envelope(incoming()));
    expect(e).toMatchObject({
      type: 'incomingCall',
      callId: CALL,
      tenantId: TENANT,
      targetApplicationInstanceId: RESOURCE_ACCOUNT,
      callerPhone: '+14255550111',
      callerParticipantId: CALLER_PARTICIPANT,
      callChainId: 'd0000000-0000-4000-8000-000000000003',
      direction: 'incoming',
    });
    expect(e.key).toMatch(/^[0-9a-f]{32}:incoming$/);
  });

  it('takes the tenant from the token when the notification does not carry it', () => {
    const n = incoming();
    delete (n.resourceData as Record<string, unknown>).tenantId;
    const d = n.resourceData as { targets: { identity: { applicationInstance: { tenantId?: string } } }[] };
    delete d.targets[0].identity.applicationInstance.tenantId;
    expect(parseNotification(n, { tenantId: TENANT.toUpperCase() })[0].tenantId).toBe(TENANT);
  });

  it('reads partial updates: {state} alone, {state, resultInfo}, and a tone', () => {
    const events = parseCommsNotifications(
      envelope(
        stateUpdate('establishing'),
        stateUpdate('established', { resultInfo: { code: 500, subcode: 7000, message: 'transfer failed' } }),
        tone(3, 'pound'),
      ),
    );
    expect(events.map((e) => e.type)).toEqual([
      'callStateChanged',
      'callStateChanged',
      'callStateChanged',
      'toneReceived',
    ]);
    expect(events[1]).toMatchObject({ state: 'established', resultInfo: { code: 500, subcode: 7000 } });
    expect(events[3]).toMatchObject({ tone: 'pound', sequenceId: 3, callId: CALL });
  });

  it('reads the end with its resultInfo (deleted, and updated with state terminated)', () => {
    const [a] = parseCommsNotifications(envelope(terminated(200, 540000)));
    expect(a).toMatchObject({ type: 'callTerminated', resultInfo: { code: 200, subcode: 540000 } });
    const [b] = parseCommsNotifications(
      envelope(stateUpdate('terminated', { resultInfo: { code: 0, subcode: 7015 } })),
    );
    expect(b).toMatchObject({ type: 'callTerminated', resultInfo: { code: 0, subcode: 7015 } });
  });

  it('reads resultInfo spelt subCode and a transfer ended by terminationReason AppTransferred (call-transfer.md)', () => {
    const [failed] = parseCommsNotifications(
      envelope(stateUpdate('established', { resultInfo: { code: 500, subCode: 7700, message: 'm' } })),
    );
    expect(failed).toMatchObject({ resultInfo: { code: 500, subcode: 7700 } });
    const done = terminated(0, 0);
    done.resourceData = {
      '@odata.type': '#microsoft.graph.call',
      state: 'terminated',
      terminationReason: 'AppTransferred',
    };
    expect(parseNotification(done)[0]).toMatchObject({ type: 'callTerminated', terminationReason: 'AppTransferred' });
  });

  it('reads operation completions (any case of status) and ignores running ones', () => {
    const [done] = parseCommsNotifications(envelope(operationDone('playPromptOperation', 'ctx-1')));
    expect(done).toMatchObject({
      type: 'operationFinished',
      callId: CALL,
      operationId: 'eec3812a-fdc3-4fb4-825c-a06c9f35414e',
      operationType: 'playPromptOperation',
      status: 'completed',
      clientContext: 'ctx-1',
    });
    const [failed] = parseCommsNotifications(envelope(operationDone('playPromptOperation', 'c', 'Failed')));
    expect(failed).toMatchObject({ status: 'failed', resultInfo: { subcode: 8508 } });
    const [running] = parseCommsNotifications(envelope(operationDone('inviteParticipantsOperation', 'c', 'Running')));
    expect(running.type).toBe('ignored');
  });

  it('reads an invite completion posted on …/operations/participants with a null id', () => {
    const n = operationDone('inviteParticipantsOperation', 'ctx-9');
    n.resourceUrl = `/communications/calls/${CALL}/operations/participants`;
    (n.resourceData as Record<string, unknown>).id = null;
    const [e] = parseNotification(n);
    expect(e).toMatchObject({ type: 'operationFinished', clientContext: 'ctx-9', status: 'completed' });
  });

  it('reads the whole roster, participants with null ids', () => {
    const [e] = parseCommsNotifications(envelope(roster([{}, { phone: '+14255550111' }, { userId: AGENT_USER }])));
    expect(e).toMatchObject({
      type: 'participantsChanged',
      removed: false,
      participants: [{ applicationId: 'bot' }, { phone: '+14255550111' }, { userId: AGENT_USER }],
    });
  });

  it('several notifications in one POST, unknown fields ignored, unknown resources and states ignored', () => {
    const events = parseCommsNotifications(
      envelope(incoming(), stateUpdate('someNewState'), {
        changeType: 'updated',
        resourceUrl: '/communications/presences/x',
        resourceData: {},
      }),
    );
    expect(events.map((e) => e.type)).toEqual(['incomingCall', 'ignored', 'ignored']);
  });

  it('the same notification twice has the same key; a different one another', () => {
    const a = parseNotification(stateUpdate('established'));
    const b = parseNotification(JSON.parse(JSON.stringify(stateUpdate('established'))));
    const c = parseNotification(stateUpdate('establishing'));
    expect(a[0].key).toBe(b[0].key);
    expect(a[0].key).not.toBe(c[0].key);
  });

  it('errors name the field', () => {
    const bad = terminated(200, 0);
    (bad.resourceData as { resultInfo: { code: unknown } }).resultInfo.code = 'x';
    expect(() => parseCommsNotifications(envelope(incoming(), bad))).toThrow(
      /value\[1\]\.resourceData\.resultInfo\.code/,
    );
    expect(() =>
      parseCommsNotifications({ value: [{ changeType: 'moved', resourceUrl: '/x', resourceData: {} }] }),
    ).toThrow(/value\[0\]\.changeType/);
    expect(() => parseCommsNotifications({})).toThrow(CallNotificationError);
    const noPath = { changeType: 'updated', resourceData: {} };
    expect(() => parseNotification(noPath)).toThrow(/notification\.resourceUrl: resourceUrl or resource is required/);
    expect(() => parseNotification(tone(1, 'tone42'))).toThrow(/resourceData\.toneInfo\.tone/);
  });

  it('validateCommsNotifications reports every field error of a POST, or the notifications', () => {
    const bad = operationDone('playPromptOperation', 'c');
    delete (bad.resourceData as Record<string, unknown>).status;
    const r = validateCommsNotifications(envelope(incoming(), bad, { changeType: 'updated' }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // the envelope's shape first (a missing resourceData), then each notification's resource
    expect(r.errors.map((e) => e.field)).toEqual(['value[2].resourceData']);
    const ok = validateCommsNotifications(envelope(incoming(), stateUpdate('established')));
    expect(ok.ok && ok.notifications).toHaveLength(2);
    const r2 = validateCommsNotifications(envelope(bad));
    expect(!r2.ok && r2.errors).toEqual([{ field: 'value[0].resourceData.status', message: 'is required' }]);
  });
});
