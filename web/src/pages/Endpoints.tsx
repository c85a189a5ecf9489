// The tenant's endpoints (resource accounts) with status and paging; admins add one here.
import {
  Button,
  Field,
  Input,
  Select,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Title2,
  Title3,
  makeStyles,
} from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import type { EndpointStatus, NumberType } from '../../../shared/domain/enums';
import { ApiProblem, type Api } from '../api';
import { PageLink, ProblemBar, StatusBadge, useLoad } from '../components';
import { freeNumberLabel, pickNumber, type EndpointForm, type FreeNumber } from '../endpoint-form';

export interface EndpointView {
  userPrincipalName: string;
  displayName: string;
  applicationId?: string;
  objectId?: string;
  phoneNumber?: string;
  numberType?: NumberType;
  usageLocation?: string;
  queueId?: string;
  menuId?: string;
  status: EndpointStatus;
  error?: string;
  createdAt?: string;
  updatedAt?: string;
  steps?: { name: string; status: string; attempts: number; startedAt?: string; endedAt?: string; error?: string }[];
}

const PAGE_SIZE = 20;

const useStyles = makeStyles({
  form: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(220px, 1fr))',
    gap: '12px 16px',
    alignItems: 'start',
    margin: '12px 0 24px',
  },
  actions: { display: 'flex', gap: '8px', alignItems: 'center', marginTop: '12px' },
  listHeading: { marginTop: '24px' },
  upn: { width: '38%' },
  upnCell: { overflowWrap: 'anywhere' },
});

export function EndpointsPage({ api, canEdit }: { api: Api; canEdit: boolean }) {
  const styles = useStyles();
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  const token = pages[pages.length - 1];
  const list = useLoad(
    () =>
      api.json<{ value: EndpointView[]; continuationToken?: string }>(
        'GET',
        api.tenantPath(`/endpoints?top=${PAGE_SIZE}${token ? `&continuationToken=${encodeURIComponent(token)}` : ''}`),
      ),
    [token],
  );
  return (
    <section aria-labelledby="endpoints-title">
      <Title2 block as="h1" id="endpoints-title">
        Endpoints
      </Title2>
      {canEdit && <AddEndpoint api={api} />}
      <Title3 block as="h2" className={styles.listHeading}>
        Resource accounts
      </Title3>
      <ProblemBar error={list.error} />
      {list.loading && !list.data && <Spinner label="Loading endpoints…" />}
      {list.data && (
        <Table aria-label="Endpoints" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell className={styles.upn}>User principal name</TableHeaderCell>
              <TableHeaderCell>Display name</TableHeaderCell>
              <TableHeaderCell>Number</TableHeaderCell>
              <TableHeaderCell>Call queue</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {list.data.value.length === 0 && (
              <TableRow>
                <TableCell colSpan={5}>No endpoints yet.</TableCell>
              </TableRow>
            )}
            {list.data.value.map((e) => (
              <TableRow key={e.userPrincipalName}>
                <TableCell className={styles.upnCell}>
                  <PageLink to={`/endpoints/${encodeURIComponent(e.userPrincipalName)}`}>
                    {e.userPrincipalName}
                  </PageLink>
                </TableCell>
                <TableCell>{e.displayName}</TableCell>
                <TableCell>{e.phoneNumber ?? '—'}</TableCell>
                <TableCell>{e.queueId ?? '—'}</TableCell>
                <TableCell>
                  <StatusBadge status={e.status} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <div className={styles.actions}>
        <Button disabled={pages.length < 2} onClick={() => setPages((p) => p.slice(0, -1))}>
          Previous page
        </Button>
        <Button
          disabled={!list.data?.continuationToken}
          onClick={() => setPages((p) => [...p, list.data?.continuationToken])}
        >
          Next page
        </Button>
        <Button appearance="subtle" onClick={list.reload}>
          Refresh
        </Button>
      </div>
    </section>
  );
}

const E164 = /^\+[1-9]\d{6,14}$/;

function AddEndpoint({ api }: { api: Api }) {
  const styles = useStyles();
  const navigate = useNavigate();
  const [form, setForm] = useState<EndpointForm>({
    userPrincipalName: '',
    displayName: '',
    phoneNumber: '',
    numberType: '',
    usageLocation: '',
    queueId: '',
  });
  // The number picker: the tenant's free numbers, a page at a time (GET …/numbers?free=true).
  const [numbers, setNumbers] = useState<FreeNumber[]>([]);
  const [numbersNext, setNumbersNext] = useState<string>();
  const [numbersError, setNumbersError] = useState<unknown>();
  const [autoUsage, setAutoUsage] = useState('');
  const loadNumbers = async (token?: string) => {
    setNumbersError(undefined);
    try {
      const q = token ? `&continuationToken=${encodeURIComponent(token)}` : '';
      const page = await api.json<{ value: FreeNumber[]; continuationToken?: string }>(
        'GET',
        api.tenantPath(`/numbers?free=true&top=100${q}`),
      );
      setNumbers((ns) => [...(token ? ns : []), ...page.value]);
      setNumbersNext(page.continuationToken);
    } catch (err) {
      setNumbersError(err);
    }
  };
  useEffect(() => {
    void loadNumbers();
  }, []);
  const pick = (telephoneNumber: string) => {
    const out = pickNumber(
      form,
      numbers.find((n) => n.telephoneNumber === telephoneNumber),
      autoUsage,
    );
    setForm(out.form);
    setAutoUsage(out.autoUsage);
  };
  const picked = numbers.some((n) => n.telephoneNumber === form.phoneNumber) ? form.phoneNumber : '';
  const [local, setLocal] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (_: unknown, d: { value: string }) => setForm((f) => ({ ...f, [k]: d.value }));
  const problem = error instanceof ApiProblem ? error : undefined;
  const message = (k: string) => local[k] ?? problem?.field(k);

  const submit = async (ev: React.FormEvent) => {
    ev.preventDefault();
    const checks: Record<string, string> = {};
    if (!form.userPrincipalName.includes('@'))
      checks.userPrincipalName = 'Enter a user principal name like cc-sales@contoso.com.';
    if (!form.displayName.trim()) checks.displayName = 'Enter a display name.';
    if (form.phoneNumber && !E164.test(form.phoneNumber.trim()))
      checks.phoneNumber = 'Enter the number in E.164 form, like +14255550100.';
    if (form.phoneNumber && !form.numberType) checks.numberType = 'Choose the number type.';
    setLocal(checks);
    if (Object.keys(checks).length) return;
    const body: Record<string, string> = {};
    for (const [k, v] of Object.entries(form)) if (v.trim()) body[k] = v.trim();
    setBusy(true);
    setError(undefined);
    try {
      await api.request('POST', api.tenantPath('/endpoints'), { body });
      navigate(`/endpoints/${encodeURIComponent(body.userPrincipalName)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const field = (
    k: keyof typeof form,
    label: string,
    o: { required?: boolean; hint?: string; placeholder?: string } = {},
  ) => (
    <Field
      label={label}
      required={o.required}
      hint={o.hint}
      validationMessage={message(k)}
      validationState={message(k) ? 'error' : 'none'}
    >
      <Input name={k} value={form[k]} onChange={set(k)} placeholder={o.placeholder} />
    </Field>
  );
  return (
    <form onSubmit={(ev) => void submit(ev)} aria-labelledby="add-title" noValidate>
      <Title3 block as="h2" id="add-title">
        Add an endpoint
      </Title3>
      <div className={styles.form}>
        {field('userPrincipalName', 'User principal name', { required: true, placeholder: 'cc-sales@contoso.com' })}
        {field('displayName', 'Display name', { required: true, placeholder: 'Sales line' })}
        <Field
          label="Free number"
          hint="The tenant's free numbers a resource account can take; fills the number, its type and usage location."
          validationMessage={
            numbersError instanceof Error ? `Could not list the free numbers: ${numbersError.message}` : undefined
          }
          validationState={numbersError ? 'warning' : 'none'}
        >
          <Select name="freeNumber" value={picked} onChange={(_, d) => pick(d.value)}>
            <option value="">(no number, or type one)</option>
            {numbers.map((n) => (
              <option key={n.telephoneNumber} value={n.telephoneNumber}>
                {freeNumberLabel(n)}
              </option>
            ))}
          </Select>
        </Field>
        {numbersNext && (
          <div>
            <Button onClick={() => void loadNumbers(numbersNext)}>More free numbers</Button>
          </div>
        )}
        {field('phoneNumber', 'Phone number', {
          hint: "One of the tenant's free service numbers, E.164.",
          placeholder: '+14255550100',
        })}
        <Field
          label="Number type"
          validationMessage={message('numberType')}
          validationState={message('numberType') ? 'error' : 'none'}
        >
          <Select name="numberType" value={form.numberType} onChange={set('numberType')}>
            <option value="">(no number)</option>
            <option value="callingPlan">Calling Plan</option>
            <option value="directRouting">Direct Routing</option>
            <option value="operatorConnect">Operator Connect</option>
          </Select>
        </Field>
        {field('usageLocation', 'Usage location', { hint: "Two letters, like US; defaults to the number's country." })}
        {field('queueId', 'Call queue id', { hint: 'Optional.' })}
      </div>
      <ProblemBar error={problem?.problem.errors?.every((e) => e.field && e.field in form) ? undefined : error} />
      <div className={styles.actions}>
        <Button type="submit" appearance="primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add endpoint'}
        </Button>
      </div>
    </form>
  );
}
