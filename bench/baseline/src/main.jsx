// The baseline for scripts/bench.sh: the part of Helper's widget iframe (app/widget/embed) that
// streams and renders a reply, with the same libraries and the same rendering pattern:
// `useChat` from @ai-sdk/react 1.2 with the v4 data stream protocol, and every message rendered
// through <ReactMarkdown rehypePlugins={[rehypeRaw, rehypeSanitize]}> on every update
// (helper-api.md §2, §4). It talks to the same Helper-compatible API as the widget (session,
// conversation, chat), so both sides get identical bytes.
//
// Left out, which makes this a lower bound of Helper's cost: the Next.js runtime and hydration,
// the iframe and its postMessage traffic, Tailwind, motion, react-query, Sentry, and Helper's
// URL autolinker and <wbr> plugins.
//
// Test selectors follow the widget's DOM contract (data-testid="message", "message-content",
// data-message-role, aria-busy), so the bench driver reads both pages the same way.
//
// Two ways to load it, the same app.js in both:
// - index.html (the "eager" baseline): the page loads app.js at once and it mounts into #root,
//   making its own session, as if Helper's iframe were booted at page load;
// - loader.js (the "lazy" baseline, the way Helper loads its iframe): a small loader on the host
//   page starts the session and draws a launcher at page load, and imports app.js only on the first
//   open; it then calls `mount` with the session token and the prompt clicked, if any (Helper's
//   sdk.js sends CONFIG with the token, then the queued PROMPT, once the iframe posts READY).
import { useChat } from '@ai-sdk/react';
import { useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import ReactMarkdown from 'react-markdown';
import rehypeRaw from 'rehype-raw';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';

// The API origin: ?host=… (the bench serves this page and the API on different origins, like
// the widget's host page), or this page's own origin; the lazy loader passes its own.
let host = new URLSearchParams(location.search).get('host') || location.origin;

// Helper's schema: the default plus <wbr> and className (components/messageMarkdown.tsx).
const schema = {
  ...defaultSchema,
  tagNames: [...defaultSchema.tagNames, 'wbr'],
  attributes: {
    ...defaultSchema.attributes,
    '*': [...(defaultSchema.attributes['*'] || []), 'className'],
  },
};
const rehypePlugins = [rehypeRaw, [rehypeSanitize, schema]];
const components = {
  a: ({ node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
};

async function post(path, token, body) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(host + path, { method: 'POST', headers, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`POST ${path}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}

function Message({ message, busy }) {
  // Helper renders nothing for an assistant message without text yet (MessageElement.tsx).
  if (message.role === 'assistant' && !message.content) return null;
  return (
    <div data-testid="message" data-message-role={message.role} aria-busy={busy ? 'true' : 'false'}>
      <div data-testid="message-content">
        <ReactMarkdown components={components} rehypePlugins={rehypePlugins}>
          {message.content}
        </ReactMarkdown>
      </div>
    </div>
  );
}

function App({ initialToken = null, initialPrompt = null, autoFocus = false }) {
  const [token, setToken] = useState(initialToken);
  const [error, setError] = useState(null);
  const slug = useRef(null);
  const tokenRef = useRef(initialToken);

  useEffect(() => {
    if (initialToken) return; // the lazy loader already has a session
    post('/api/widget/session', null, {})
      .then((s) => {
        tokenRef.current = s.token;
        setToken(s.token);
      })
      .catch((e) => setError(String(e)));
  }, []);

  const { messages, setMessages, append, input, setInput, status } = useChat({
    api: `${host}/api/chat`,
    streamProtocol: 'data',
    headers: token ? { Authorization: `Bearer ${token}` } : undefined,
    // Helper sends only the newest message plus the conversation (Conversation.tsx).
    experimental_prepareRequestBody: ({ id, messages }) => ({
      id,
      message: messages[messages.length - 1],
      conversationSlug: slug.current,
      readPageTool: null,
      guideEnabled: false,
      isToolResult: false,
    }),
    onError: (e) => setError(String(e)),
  });

  const newConversation = async (isPrompt) => {
    const c = await post('/api/chat/conversation', tokenRef.current, { isPrompt });
    slug.current = c.conversationSlug;
  };

  // data-helper-prompt: a new prompt conversation, then the text is sent at once (Helper's sdk
  // posts it to the iframe, which does the same).
  useEffect(() => {
    const onClick = async (e) => {
      const el = e.target.closest && e.target.closest('[data-helper-prompt]');
      if (!el) return;
      e.preventDefault();
      setMessages([]);
      await newConversation(true);
      append({ role: 'user', content: el.getAttribute('data-helper-prompt') });
    };
    document.addEventListener('click', onClick);
    return () => document.removeEventListener('click', onClick);
  }, [append, setMessages]);

  // The prompt clicked before this bundle was loaded (lazy loader): sent once, on mount.
  const sentInitial = useRef(false);
  useEffect(() => {
    if (!initialPrompt || sentInitial.current) return;
    sentInitial.current = true;
    newConversation(true)
      .then(() => append({ role: 'user', content: initialPrompt }))
      .catch((e) => setError(String(e)));
  }, []);

  const send = async () => {
    const text = input.trim();
    if (!text || status === 'submitted' || status === 'streaming') return;
    setInput('');
    if (!slug.current) await newConversation(false);
    append({ role: 'user', content: text });
  };

  const last = messages[messages.length - 1];
  return (
    <>
      <div data-testid="messages-list" role="log">
        {messages.map((m) => (
          <Message key={m.id} message={m} busy={m === last && m.role === 'assistant' && status === 'streaming'} />
        ))}
        {status === 'submitted' && <div data-testid="loading-spinner">…</div>}
        {error && <div data-testid="error-message" role="alert">{error}</div>}
      </div>
      <form onSubmit={(e) => { e.preventDefault(); send(); }}>
        <textarea
          aria-label="Ask a question"
          placeholder="Ask a question..."
          value={input}
          disabled={!token}
          autoFocus={autoFocus}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              send();
            }
          }}
        />
        <button type="submit" aria-label="Send message">Send</button>
      </form>
    </>
  );
}

/**
 * Renders the chat into `el`. The lazy loader passes `host`, the session `token` it already has,
 * the `prompt` clicked before the bundle arrived, and `autoFocus` (the composer takes focus when
 * the launcher opened the panel, as the widget's does; Helper's iframe does not manage focus).
 */
export function mount(el, opts = {}) {
  if (opts.host) host = opts.host;
  createRoot(el).render(
    <App initialToken={opts.token || null} initialPrompt={opts.prompt || null} autoFocus={!!opts.autoFocus} />,
  );
}

// index.html (the eager baseline) has a #root; a host page using loader.js has none.
const root = document.getElementById('root');
if (root) mount(root);
