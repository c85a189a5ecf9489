import { Text, Title2 } from '@fluentui/react-components';

export function AgentPage() {
  return (
    <section aria-labelledby="agent-title">
      <Title2 block as="h1" id="agent-title">
        Agent view
      </Title2>
      <p>
        <Text>
          Your state, opting in and out of call queues, and the call being offered to you arrive here with call routing.
          Until then, calls ring in Microsoft Teams as usual.
        </Text>
      </p>
    </section>
  );
}
