// Prompts: the tenant's uploads and spoken text, then the default set; each plays in the browser from the API's media
// route. Admins upload a WAV (the API checks it: PCM, mono, 16-bit, 16 kHz, at most 5 minutes) and see what is wrong.
import {
  Button,
  Field,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Title2,
  Title3,
  makeStyles,
} from '@fluentui/react-components';
import { useState } from 'react';
import { ApiProblem, type Api } from '../api';
import { ProblemBar, StatusBadge, useLoad, when } from '../components';
import { enc, itemsOf } from '../contact-center';
import { TextField } from '../form';
import type { PromptView } from '../../../shared/domain/menu';

const NAME_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** The upload's fields the API names that are about the file itself (shown under the file input). */
const FILE_FIELDS = [
  'content-type',
  'body',
  'audioFormat',
  'channels',
  'sampleRate',
  'bitsPerSample',
  'data',
  'duration',
];

const useStyles = makeStyles({
  upload: {
    display: 'grid',
    gridTemplateColumns: 'minmax(200px, 280px) minmax(240px, 1fr) max-content',
    gap: '8px 16px',
    alignItems: 'end',
    margin: '12px 0 24px',
    maxWidth: '900px',
  },
  heading: { marginTop: '16px' },
  audio: { height: '32px', maxWidth: '260px' },
});

export function PromptsPage({ api, admin }: { api: Api; admin: boolean }) {
  const styles = useStyles();
  const list = useLoad(async () => itemsOf<PromptView>(await api.json('GET', api.tenantPath('/prompts'))), []);
  const [name, setName] = useState('');
  const [file, setFile] = useState<File>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  const problems = error instanceof ApiProblem ? (error.problem.errors ?? []) : [];
  const nameMessage =
    local.name ??
    (problems
      .filter((e) => e.field === 'name')
      .map((e) => e.message)
      .join(' ') ||
      undefined);
  const fileMessage =
    local.file ??
    (problems
      .filter((e) => e.field && FILE_FIELDS.includes(e.field))
      .map((e) => `${e.field}: ${e.message}`)
      .join(' ') ||
      undefined);
  const shownAll =
    problems.length > 0 && problems.every((e) => e.field === 'name' || FILE_FIELDS.includes(e.field ?? ''));

  const upload = async (ev: React.FormEvent) => {
    ev.preventDefault();
    setSaved(undefined);
    setError(undefined);
    const checks: Record<string, string> = {};
    if (!NAME_RE.test(name)) checks.name = '1–64 lower-case letters, digits or dashes, like welcome-en.';
    if (!file) checks.file = 'Choose a WAV file.';
    setLocal(checks);
    if (Object.keys(checks).length || !file) return;
    setBusy(true);
    try {
      const res = await api.request('PUT', api.tenantPath(`/prompts/${enc(name)}`), {
        body: file,
        contentType: 'audio/wav',
      });
      setSaved(res.status === 201 ? `Prompt ${name} uploaded.` : `Prompt ${name} replaced.`);
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="prompts-title">
      <Title2 block as="h1" id="prompts-title">
        Prompts
      </Title2>
      {admin && (
        <form onSubmit={(ev) => void upload(ev)} className={styles.upload} aria-label="Upload a prompt" noValidate>
          <TextField
            label="Prompt name"
            name="promptName"
            value={name}
            onChange={(v) => {
              setName(v);
              setLocal({});
            }}
            message={nameMessage}
          />
          <Field
            label="WAV file"
            hint="PCM, mono, 16-bit, 16 kHz, at most 5 minutes."
            validationMessage={fileMessage}
            validationState={fileMessage ? 'error' : 'none'}
          >
            {(control) => (
              // Field hands its label's id, the message's aria-describedby and aria-invalid to the native input.
              <input
                {...control}
                type="file"
                name="promptFile"
                accept=".wav,audio/wav,audio/x-wav,audio/wave"
                onChange={(ev) => {
                  setFile(ev.target.files?.[0]);
                  setLocal({});
                }}
              />
            )}
          </Field>
          <Button type="submit" appearance="primary" disabled={busy}>
            {busy ? 'Uploading…' : 'Upload prompt'}
          </Button>
        </form>
      )}
      {saved && (
        <Text role="status" weight="semibold">
          {saved}
        </Text>
      )}
      <ProblemBar error={shownAll ? undefined : error} />
      <Title3 block as="h2" className={styles.heading}>
        The tenant&apos;s prompts, then the default set
      </Title3>
      <ProblemBar error={list.error} />
      {list.loading && !list.data && <Spinner label="Loading prompts…" />}
      {list.data && (
        <Table aria-label="Prompts" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Source</TableHeaderCell>
              <TableHeaderCell>Length</TableHeaderCell>
              <TableHeaderCell>Text</TableHeaderCell>
              <TableHeaderCell>Updated</TableHeaderCell>
              <TableHeaderCell>Play</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data.map((p) => (
              <TableRow key={p.name}>
                <TableCell>{p.name}</TableCell>
                <TableCell>
                  <StatusBadge status={p.source} />
                </TableCell>
                <TableCell>{p.durationMs === undefined ? '—' : `${(p.durationMs / 1000).toFixed(1)} s`}</TableCell>
                <TableCell>{p.text ?? '—'}</TableCell>
                <TableCell>{when(p.updatedAt)}</TableCell>
                <TableCell>
                  <audio
                    className={styles.audio}
                    controls
                    preload="none"
                    src={p.mediaUrl}
                    aria-label={`Play ${p.name}`}
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </section>
  );
}
