// The streamed reply of the benchmark: realistic support-article markdown (headings,
// paragraphs with emphasis and inline code, Helper-style citations, bullet and numbered lists, a
// table, fenced code, a quote), generated from a fixed seed so every run and both sides get the
// same text. ASCII only, so its length is the same in UTF-16 units (JS), characters (the
// server's --chunk-chars) and bytes.

/** The text every reply ends with: the bench waits until it is painted. */
export const END_MARKER = 'Reference: BENCH-END-OF-REPLY';

// mulberry32: a small deterministic PRNG.
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = ['billing', 'your plan', 'invoices', 'team seats', 'the API', 'webhooks', 'exports', 'single sign-on'];
const PLACES = ['**Settings > Billing**', '**Settings > Team**', '**Developers > API keys**', '**Reports > Exports**'];
const SENTENCES = [
  'You can change {t} at any time from {p}, and the change applies from the next billing cycle.',
  'If you manage {t} for several workspaces, repeat these steps in each one; settings are not shared.',
  'Changes to {t} are recorded in the audit log, so an administrator can see who changed what and when.',
  'Most customers finish this in a couple of minutes; if something looks wrong, reload the page and try again.',
  'The `{c}` field is read-only for members; ask an owner of the workspace to update it for you.',
  'We keep a copy of every invoice for seven years, and you can download any of them as a PDF [({n})](https://help.example.com/articles/{n}).',
  'Heads up: downgrading removes features immediately, but your data stays in place for *30 days*.',
  'For details on limits, see the plan comparison [({n})](https://help.example.com/plans#{t2}).',
];
const CODES = ['billing_email', 'seat_limit', 'invoice_prefix', 'webhook_secret', 'sso_domain'];

/** A deterministic markdown reply of exactly `length` characters ending with END_MARKER. */
export function markdownReply(length = 20000, seed = 42) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  let cite = 0;
  const sentence = () => {
    const t = pick(TOPICS);
    return pick(SENTENCES)
      .replaceAll('{t}', t)
      .replaceAll('{t2}', t.replaceAll(' ', '-'))
      .replaceAll('{p}', pick(PLACES))
      .replaceAll('{c}', pick(CODES))
      .replaceAll('{n}', String((cite = (cite % 6) + 1)));
  };
  const paragraph = (n) => Array.from({ length: n }, sentence).join(' ');
  const section = (i) => {
    const t = pick(TOPICS);
    const kind = i % 5;
    const out = [`## ${i + 1}. Managing ${t}`, paragraph(3)];
    if (kind === 0) out.push(['- Open ' + pick(PLACES) + '.', '- Choose **Edit** next to ' + t + '.', '- Review the summary, then select **Save**.'].join('\n'));
    if (kind === 1) out.push(['1. Sign in as an owner.', '2. Go to ' + pick(PLACES) + '.', '3. Update `' + pick(CODES) + '` and confirm.'].join('\n'));
    if (kind === 2) {
      out.push(['| Plan | Seats | Price |', '| --- | ---: | ---: |', '| Starter | 3 | $12 |', '| Team | 25 | $49 |', '| Business | unlimited | $199 |'].join('\n'));
    }
    if (kind === 3) out.push(['```bash', `curl -H "Authorization: Bearer $TOKEN" https://api.example.com/v1/${pick(CODES)}`, '```'].join('\n'));
    if (kind === 4) out.push('> ' + paragraph(1));
    out.push(paragraph(2));
    return out.join('\n\n');
  };

  const tail = `\n\n${END_MARKER}`;
  const budget = length - tail.length;
  let text = '';
  for (let i = 0; ; i++) {
    const next = (text ? '\n\n' : '') + section(i);
    if (text.length + next.length > budget) break;
    text += next;
  }
  // Fill the rest with one last paragraph cut to the exact length.
  const room = budget - text.length - 2;
  if (room > 0) {
    let filler = '';
    while (filler.length < room) filler += (filler ? ' ' : '') + sentence();
    text += '\n\n' + filler.slice(0, room - 1).trimEnd().padEnd(room - 1, '.') + '.';
  } else {
    text = text.padEnd(budget, ' ');
  }
  text += tail;
  if (text.length !== length || /[^\x00-\x7f]/.test(text)) {
    throw new Error(`reply generator: got ${text.length} characters (want ${length}) or non-ASCII`);
  }
  return text;
}

/** Short scripted replies for the 100-message conversation. */
export function shortReply(i) {
  return `Thanks for asking (${i}). You can change this in **Settings > Billing**; see [the plans page](https://help.example.com/plans) for details.\n\n- It applies at once\n- You can undo it later`;
}
