const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' };

/** PHP's `htmlspecialchars($text, ENT_QUOTES, 'UTF-8')`, which is also Laravel's `e()` and Blade's `{{ }}`. */
export function phpHtmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]);
}
