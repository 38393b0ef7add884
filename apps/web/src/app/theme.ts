/** The user's theme choice: follow the system, or always light or dark. Kept in localStorage. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'ottr.theme';

export function themeChoice(): ThemeChoice {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

export function setThemeChoice(choice: ThemeChoice): void {
  if (choice === 'system') localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  applyTheme();
}

/** Sets html[data-theme] from the saved choice (tokens.css reads it). */
export function applyTheme(): void {
  const choice = themeChoice();
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}
