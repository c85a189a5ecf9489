// An agent's skills (name → level 1–5), shown inline and edited with `PUT …/agents/{upn}` {skills}.
import { Button, Field, Input, Text, makeStyles } from '@fluentui/react-components';
import { useState } from 'react';
import type { Api } from '../api';
import { ProblemBar } from '../components';
import { enc, type AgentView } from '../contact-center';
import { parseSkills, skillsText } from '../callqueue-body';
import { allShown, fieldMessage } from '../form';

const useStyles = makeStyles({
  row: { display: 'flex', gap: '4px', alignItems: 'start', flexWrap: 'wrap' },
  input: { minWidth: '180px' },
});

export function AgentSkills({ api, agent, onSaved }: { api: Api; agent: AgentView; onSaved: () => void }) {
  const styles = useStyles();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(skillsText(agent.skills));
  const [local, setLocal] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const label = `Skills of ${agent.userPrincipalName}`;
  if (!editing) {
    return (
      <div className={styles.row}>
        <Text size={200}>{skillsText(agent.skills) || 'none'}</Text>
        <Button
          size="small"
          appearance="subtle"
          onClick={() => setEditing(true)}
          aria-label={`Edit ${label.toLowerCase()}`}
        >
          Edit
        </Button>
      </div>
    );
  }
  const save = async () => {
    const parsed = parseSkills(text);
    if (!parsed.ok) {
      setLocal(parsed.error);
      return;
    }
    setLocal(undefined);
    setError(undefined);
    setBusy(true);
    try {
      await api.request('PUT', api.tenantPath(`/agents/${enc(agent.userPrincipalName)}`), {
        body: { skills: parsed.value },
      });
      setEditing(false);
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const message = local ?? fieldMessage(error, 'skills');
  return (
    <div>
      <div className={styles.row}>
        <Field validationMessage={message} validationState={message ? 'error' : 'none'} className={styles.input}>
          <Input
            aria-label={label}
            value={text}
            onChange={(_, d) => setText(d.value)}
            placeholder="french=3, billing=2"
          />
        </Field>
        <Button size="small" appearance="primary" disabled={busy} onClick={() => void save()}>
          Save skills
        </Button>
        <Button size="small" onClick={() => setEditing(false)}>
          Cancel
        </Button>
      </div>
      <ProblemBar error={allShown(error, ['skills']) ? undefined : error} />
    </div>
  );
}
