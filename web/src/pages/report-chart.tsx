// The reports' charts (recharts, in its own chunk: loaded only when a report is shown). Calls per interval as bars,
// service level (Teams 4, answered within T ÷ offered) as a line on its own axis.
import { tokens } from '@fluentui/react-components';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface ChartPoint {
  label: string;
  offered: number;
  answered: number;
  abandoned: number;
  /** 0–100, or null when nothing was offered */
  serviceLevel: number | null;
}

export default function ReportChart({ points, title }: { points: ChartPoint[]; title: string }) {
  return (
    <figure style={{ margin: '16px 0', height: 320 }} aria-label={title}>
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer>
          <CartesianGrid stroke={tokens.colorNeutralStroke2} strokeDasharray="3 3" />
          <XAxis dataKey="label" stroke={tokens.colorNeutralForeground2} tick={{ fontSize: 12 }} />
          <YAxis yAxisId="calls" allowDecimals={false} stroke={tokens.colorNeutralForeground2} />
          <YAxis yAxisId="sl" orientation="right" domain={[0, 100]} unit="%" stroke={tokens.colorNeutralForeground2} />
          <Tooltip
            contentStyle={{ background: tokens.colorNeutralBackground1, color: tokens.colorNeutralForeground1 }}
          />
          <Legend />
          <Bar yAxisId="calls" dataKey="offered" name="Offered" fill={tokens.colorPaletteBlueBorderActive} />
          <Bar yAxisId="calls" dataKey="answered" name="Answered" fill={tokens.colorPaletteGreenBorderActive} />
          <Bar yAxisId="calls" dataKey="abandoned" name="Abandoned" fill={tokens.colorPaletteRedBorderActive} />
          <Line
            yAxisId="sl"
            dataKey="serviceLevel"
            name="Service level (answered ≤ T ÷ offered)"
            stroke={tokens.colorPaletteMarigoldBorderActive}
            strokeWidth={2}
            connectNulls
          />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
