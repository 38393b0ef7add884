/** PLACEHOLDER until settings land. */
export function Settings() {
  return <p>Settings</p>;
}
