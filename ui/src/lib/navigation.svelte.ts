/**
 * Which screen is showing, as a small piece of reactive state (no router library).
 *
 * `SCREENS` is the sidebar's order; an `App` creates one `Navigation` and passes it down.
 */

export const SCREENS = [
  { id: 'onboarding', label: 'Get started' },
  { id: 'import', label: 'Import' },
  { id: 'customers', label: 'Customers' },
  { id: 'match-review', label: 'Match review' },
  { id: 'insights', label: 'Insights' },
  { id: 'reviews', label: 'Reviews' },
  { id: 'health', label: 'Health' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];

export function isScreenId(value: string): value is ScreenId {
  return SCREENS.some((screen) => screen.id === value);
}

export class Navigation {
  current: ScreenId = $state('onboarding');

  constructor(initial: ScreenId = 'onboarding') {
    this.current = initial;
  }

  go(screen: ScreenId): void {
    this.current = screen;
  }
}
