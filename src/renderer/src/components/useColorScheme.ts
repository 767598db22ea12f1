import { useEffect, useState } from 'react';

const query = (): MediaQueryList => window.matchMedia('(prefers-color-scheme: dark)');

/** The OS light/dark preference, live. */
export function useColorScheme(): 'light' | 'dark' {
  const [dark, setDark] = useState(() => query().matches);
  useEffect(() => {
    const q = query();
    const onChange = (e: MediaQueryListEvent) => setDark(e.matches);
    q.addEventListener('change', onChange);
    return () => q.removeEventListener('change', onChange);
  }, []);
  return dark ? 'dark' : 'light';
}
