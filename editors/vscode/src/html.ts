// Pieces shared by the webviews: escaping and the page shell with a strict CSP. Pure.

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** A fresh nonce for one page's CSP (base64 of 16 random bytes). */
export function makeNonce(random: (size: number) => Uint8Array): string {
  return Buffer.from(random(16)).toString("base64");
}

export interface Page {
  title: string;
  nonce: string;
  style: string;
  body: string;
  script: string;
}

/** A page whose only scripts and styles are the nonce-tagged ones written here: nothing is
 * loaded from elsewhere (no CDN, no inline event handlers). */
export function pageHtml(page: Page): string {
  const csp = `default-src 'none'; style-src 'nonce-${page.nonce}'; script-src 'nonce-${page.nonce}'; img-src data:;`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
<style nonce="${page.nonce}">${page.style}</style>
</head>
<body>
${page.body}
<script nonce="${page.nonce}">${page.script}</script>
</body>
</html>`;
}
