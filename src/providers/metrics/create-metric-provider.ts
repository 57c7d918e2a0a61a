// Chooses the metric provider named by a metric's `provider` field.

import type { MetricConfig } from '../../plan/types.js';
import { createCommandMetricProvider } from './command-metric-provider.js';
import { createHttpMetricProvider } from './http-metric-provider.js';
import type { MetricProvider } from './metric-provider.js';
import { createPrometheusMetricProvider } from './prometheus-metric-provider.js';
import { createRouterMetricProvider } from './router-metric-provider.js';

export function createMetricProvider(name: MetricConfig['provider']): MetricProvider {
  switch (name) {
    case 'router':
      return createRouterMetricProvider();
    case 'prometheus':
      return createPrometheusMetricProvider();
    case 'http':
      return createHttpMetricProvider();
    case 'command':
      return createCommandMetricProvider();
  }
}
