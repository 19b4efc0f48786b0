/**
 * Chart.js with only the pieces Keeper draws registered (bar, line and doughnut charts on
 * category and linear scales, with tooltips and legends), so the bundle carries nothing
 * else. Loaded lazily by `Chart.svelte` the first time a chart is shown.
 */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
);

export { Chart };
