// A menu's business hours: the IANA time zone (every zone the browser knows), weekly open ranges (days, from, to),
// holidays (closed all day), and what a caller hears and where they go while closed.
import { Button, Checkbox, Field, Input, Select, Text, Title3, makeStyles, tokens } from '@fluentui/react-components';
import { fieldMessage } from '../form';
import { LEAVING_KINDS, WEEKDAYS, WEEKDAY_LABELS, defaultWeekly, timeZones, type MenuForm } from '../menu-body';
import { MenuActionInput, PromptInput } from './menu-fields';

const useStyles = makeStyles({
  box: {
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    padding: '12px 16px',
    display: 'flex',
    flexDirection: 'column',
    gap: '12px',
  },
  range: { display: 'flex', flexWrap: 'wrap', gap: '8px 16px', alignItems: 'end' },
  days: { display: 'flex', flexWrap: 'wrap', gap: '0 4px' },
  time: { width: '110px' },
  zone: { maxWidth: '360px' },
});

type Hours = MenuForm['hours'];

export function BusinessHoursEditor({
  value,
  onChange,
  error,
  prompts,
  cycle,
}: {
  value: Hours;
  onChange: (v: Hours) => void;
  error: unknown;
  prompts: string[];
  cycle?: string;
}) {
  const styles = useStyles();
  const m = (f: string) => fieldMessage(error, `businessHours.${f}`);
  const zoneMessage = m('timeZone');
  const setRange = (i: number, patch: Partial<Hours['weekly'][number]>) =>
    onChange({ ...value, weekly: value.weekly.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  const setHoliday = (i: number, patch: Partial<Hours['holidays'][number]>) =>
    onChange({ ...value, holidays: value.holidays.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  const weeklyMessage = fieldMessage(error, 'businessHours.weekly');
  return (
    <div className={styles.box} role="group" aria-label="Business hours">
      <Field
        label="Time zone"
        hint="The hours below are in this time zone (IANA)."
        validationMessage={zoneMessage}
        validationState={zoneMessage ? 'error' : 'none'}
        className={styles.zone}
      >
        <Select
          name="businessHours.timeZone"
          value={value.timeZone}
          onChange={(_, d) => onChange({ ...value, timeZone: d.value })}
        >
          {timeZones(value.timeZone).map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </Select>
      </Field>
      <Title3 as="h3">Open</Title3>
      {weeklyMessage && !value.weekly.length && <Text role="alert">{weeklyMessage}</Text>}
      {value.weekly.map((r, i) => {
        const days = m(`weekly[${i}].days`);
        const from = m(`weekly[${i}].from`);
        const to = m(`weekly[${i}].to`);
        return (
          <div key={i} className={styles.range} role="group" aria-label={`Open range ${i + 1}`}>
            <Field label={`Range ${i + 1}: days`} validationMessage={days} validationState={days ? 'error' : 'none'}>
              <div className={styles.days}>
                {WEEKDAYS.map((d) => (
                  <Checkbox
                    key={d}
                    label={WEEKDAY_LABELS[d]}
                    aria-label={`Range ${i + 1}: ${WEEKDAY_LABELS[d]}`}
                    checked={r.days.includes(d)}
                    onChange={(_, c) =>
                      setRange(i, {
                        days: c.checked
                          ? WEEKDAYS.filter((x) => x === d || r.days.includes(x))
                          : r.days.filter((x) => x !== d),
                      })
                    }
                  />
                ))}
              </div>
            </Field>
            <Field label={`Range ${i + 1}: from`} validationMessage={from} validationState={from ? 'error' : 'none'}>
              <Input
                className={styles.time}
                name={`businessHours.weekly[${i}].from`}
                value={r.from}
                placeholder="09:00"
                onChange={(_, d) => setRange(i, { from: d.value })}
              />
            </Field>
            <Field label={`Range ${i + 1}: to`} validationMessage={to} validationState={to ? 'error' : 'none'}>
              <Input
                className={styles.time}
                name={`businessHours.weekly[${i}].to`}
                value={r.to}
                placeholder="17:00"
                onChange={(_, d) => setRange(i, { to: d.value })}
              />
            </Field>
            <Button onClick={() => onChange({ ...value, weekly: value.weekly.filter((_, j) => j !== i) })}>
              Remove range {i + 1}
            </Button>
          </div>
        );
      })}
      <div>
        <Button
          onClick={() =>
            onChange({
              ...value,
              weekly: [
                ...value.weekly,
                ...(value.weekly.length ? [{ days: [], from: '09:00', to: '17:00' }] : defaultWeekly()),
              ],
            })
          }
        >
          Add open range
        </Button>
      </div>
      <Title3 as="h3">Holidays (closed all day)</Title3>
      {value.holidays.map((h, i) => {
        const date = m(`holidays[${i}].date`);
        const name = m(`holidays[${i}].name`);
        return (
          <div key={i} className={styles.range} role="group" aria-label={`Holiday ${i + 1}`}>
            <Field label={`Holiday ${i + 1}: date`} validationMessage={date} validationState={date ? 'error' : 'none'}>
              <Input
                type="date"
                name={`businessHours.holidays[${i}].date`}
                value={h.date}
                onChange={(_, d) => setHoliday(i, { date: d.value })}
              />
            </Field>
            <Field label={`Holiday ${i + 1}: name`} validationMessage={name} validationState={name ? 'error' : 'none'}>
              <Input
                name={`businessHours.holidays[${i}].name`}
                value={h.name}
                onChange={(_, d) => setHoliday(i, { name: d.value })}
              />
            </Field>
            <Button onClick={() => onChange({ ...value, holidays: value.holidays.filter((_, j) => j !== i) })}>
              Remove holiday {i + 1}
            </Button>
          </div>
        );
      })}
      <div>
        <Button onClick={() => onChange({ ...value, holidays: [...value.holidays, { date: '', name: '' }] })}>
          Add holiday
        </Button>
      </div>
      <Title3 as="h3">While closed</Title3>
      <PromptInput
        field="businessHours.closedGreeting"
        label="Closed greeting"
        value={value.closedGreeting}
        onChange={(closedGreeting) => onChange({ ...value, closedGreeting })}
        error={error}
        prompts={prompts}
      />
      <MenuActionInput
        field="businessHours.closedAction"
        label="Then (closed)"
        value={value.closedAction}
        onChange={(closedAction) => onChange({ ...value, closedAction })}
        error={error}
        kinds={LEAVING_KINDS}
        marked={cycle}
      />
    </div>
  );
}
