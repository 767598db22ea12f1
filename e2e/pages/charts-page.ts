// Metric charts: the Charts view across selected runs (#/compare?runs=…&view=charts) and the run page's
// charts share these controls (value axis, smoothing, x axis) and one card per metric.
import { Screen } from './screen';

export class ChartsPage extends Screen {
  readonly controls = this.page.getByRole('group', { name: 'chart controls' });
  readonly smoothing = this.page.getByRole('slider', { name: 'smoothing' });
  readonly xAxis = this.page.getByLabel('x axis', { exact: true });
  heading(count: number) { return this.page.getByRole('heading', { name: `Charts of ${count} run${count === 1 ? '' : 's'}` }); }
  /** the card of one metric */
  card(metric: string) { return this.page.getByRole('region', { name: `metric ${metric}` }); }
  cards() { return this.page.locator('section.metric-chart'); }
  async open(runIds: string[]): Promise<void> { await this.goto(`#/compare?runs=${runIds.join(',')}&view=charts`); }
  async setSmoothing(v: number): Promise<void> { await this.smoothing.fill(String(v)); }
}
