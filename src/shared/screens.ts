// The app's screens in the order the sidebar shows them. One list, so the keys can't drift from what the user
// sees: Alt+N in the window (browser mode too) and Ctrl/Cmd+N in the desktop app's View menu open the Nth.
export type NavScreen = 'data' | 'train' | 'tune' | 'runs' | 'models' | 'score' | 'monitor' | 'pipelines';

export const NAV_SCREENS: readonly { screen: NavScreen; label: string }[] = [
  { screen: 'data', label: 'Data' }, { screen: 'train', label: 'Train' }, { screen: 'tune', label: 'Tune' },
  { screen: 'runs', label: 'Runs' }, { screen: 'models', label: 'Models' }, { screen: 'score', label: 'Score' },
  { screen: 'monitor', label: 'Monitor' }, { screen: 'pipelines', label: 'Pipelines' },
];

/** The digit that opens the screen at `index` of NAV_SCREENS (with Alt, or Ctrl/Cmd in the menu). */
export const navKey = (index: number): string => String(index + 1);

/** The screen a digit key opens, or null. */
export function screenForKey(key: string): NavScreen | null {
  const i = NAV_SCREENS.findIndex((_, k) => navKey(k) === key);
  return i < 0 ? null : NAV_SCREENS[i].screen;
}
