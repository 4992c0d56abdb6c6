//! The built-in knowledge base: deterministic support answers in markdown, chosen by keywords.
//!
//! Pure data and string functions; depends on nothing else in the crate, so tests can assert on
//! the exact text a question gets.

/// Helper's stored text when `request_human_support` was called (helper-api.md §2).
pub const ESCALATION_TEXT: &str =
    "_Escalated to a human! You will be contacted soon here and by email._";
/// Helper's canned reply to a message in an escalated conversation (§1.3).
pub const HUMAN_WILL_RESPOND: &str =
    "Our support team will respond to your message shortly. Thank you for your patience.";
/// Helper's masked generation error (§2, example 3).
pub const GENERATION_ERROR: &str = "Error generating AI response";

/// One article: when it applies, what the assistant says, and the titles of the pages it cites.
#[derive(Debug)]
pub struct Article {
    pub slug: &'static str,
    keywords: &'static [&'static str],
    pub answer: &'static str,
    links: &'static [(&'static str, &'static str)],
}

/// A cited page, as sent in an `h:` source part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub id: String,
    pub url: String,
    pub title: String,
}

const ARTICLES: &[Article] = &[
    Article {
        slug: "change-plan",
        keywords: &["plan", "upgrade", "downgrade", "subscription", "pricing", "tier"],
        answer: "You can change your plan at any time from **Settings → Billing** [(1)](https://help.example.com/billing/change-plan).\n\n\
1. Open **Settings** from the menu in the top-right corner.\n\
2. Choose **Billing**, then **Change plan**.\n\
3. Pick the new plan and confirm.\n\n\
| Plan | Price | Seats | Support |\n\
|------|-------|-------|---------|\n\
| Starter | $9/mo | 1 | Email |\n\
| Team | $29/mo | 10 | Email + chat |\n\
| Business | $99/mo | Unlimited | Priority |\n\n\
Upgrades take effect immediately and are prorated; downgrades apply at the end of the current billing period [(2)](https://help.example.com/billing/proration). \
Your data is kept either way.",
        links: &[
            ("https://help.example.com/billing/change-plan", "Changing your plan"),
            ("https://help.example.com/billing/proration", "How proration works"),
        ],
    },
    Article {
        slug: "refund",
        keywords: &["refund", "money back", "charged", "charge", "chargeback"],
        answer: "Sorry about the unexpected charge! Refunds are available within **30 days** of purchase [(1)](https://help.example.com/billing/refunds).\n\n\
- Go to **Settings → Billing → Invoices**.\n\
- Find the invoice and click **Request refund**.\n\
- The money returns to your original payment method in 5–10 business days.\n\n\
If the charge is older than 30 days, reply here with the invoice number and we'll take a look.",
        links: &[("https://help.example.com/billing/refunds", "Refund policy")],
    },
    Article {
        slug: "password",
        keywords: &["password", "log in", "login", "sign in", "locked", "2fa", "two-factor"],
        answer: "To reset your password:\n\n\
1. Go to the [sign-in page](https://app.example.com/login) and click **Forgot password?**\n\
2. Enter the email address on your account.\n\
3. Follow the link in the email within 60 minutes.\n\n\
> If you use two-factor authentication, keep your authenticator app handy: you'll be asked for a code after the reset [(1)](https://help.example.com/account/password-reset).\n\n\
Still no email? Check your spam folder, or make sure `no-reply@example.com` isn't blocked.",
        links: &[("https://help.example.com/account/password-reset", "Resetting your password")],
    },
    Article {
        slug: "api",
        keywords: &["api", "token", "webhook", "integration", "curl", "developer"],
        answer: "You can create an API key under **Settings → Developers → API keys** [(1)](https://help.example.com/developers/api-keys). \
Send it as a bearer token:\n\n\
```bash\n\
curl https://api.example.com/v1/orders \\\n  -H \"Authorization: Bearer $EXAMPLE_API_KEY\"\n\
```\n\n\
Keys are shown only once, so store them somewhere safe. \
For real-time updates, register a webhook endpoint instead of polling [(2)](https://help.example.com/developers/webhooks).",
        links: &[
            ("https://help.example.com/developers/api-keys", "API keys"),
            ("https://help.example.com/developers/webhooks", "Webhooks"),
        ],
    },
    Article {
        slug: "shipping-address",
        keywords: &["address", "shipping", "deliver", "delivery"],
        answer: "Happy to help you update your shipping address! You can change it by following these steps:\n\n\
1. Log into your account\n\
2. Go to **Account Settings**\n\
3. Select **Addresses**\n\
4. Click **Edit** next to your existing address, or **Add New Address**\n\
5. Update the information and save your changes\n\n\
Orders that have already shipped can't be redirected [(1)](https://help.example.com/orders/shipping-address).",
        links: &[("https://help.example.com/orders/shipping-address", "Updating your shipping address")],
    },
    Article {
        slug: "cancel",
        keywords: &["cancel", "delete my account", "close my account", "unsubscribe"],
        answer: "We're sorry to see you go. To cancel:\n\n\
1. Open **Settings → Billing**.\n\
2. Click **Cancel subscription** at the bottom of the page.\n\n\
You keep access until the end of the period you've paid for, and you can export your data first [(1)](https://help.example.com/account/cancel). \
~~Cancelled accounts are deleted immediately~~ Cancelled accounts are kept for 90 days in case you change your mind.",
        links: &[("https://help.example.com/account/cancel", "Cancelling your subscription")],
    },
    Article {
        slug: "invoice",
        keywords: &["invoice", "receipt", "vat", "tax"],
        answer: "All invoices are under **Settings → Billing → Invoices**, where you can download each one as a PDF [(1)](https://help.example.com/billing/invoices).\n\n\
- [x] Company name and address are taken from your billing profile\n\
- [ ] VAT number: add it under **Billing profile** before the next invoice is issued\n\n\
Invoices already issued can't be changed, but we can re-issue one on request.",
        links: &[("https://help.example.com/billing/invoices", "Invoices and receipts")],
    },
];

const FALLBACK: Article = Article {
    slug: "fallback",
    keywords: &[],
    answer: "I couldn't find an article that answers that exactly. Here are a few things that usually help:\n\n\
- Search the [Help Center](https://help.example.com) for your question [(1)](https://help.example.com).\n\
- Check the [status page](https://status.example.com) if something seems broken.\n\n\
If none of that helps, click **Talk to a human** and our team will get back to you.",
    links: &[("https://help.example.com", "Help Center")],
};

const HUMAN_WORDS: &[&str] = &[
    "human",
    "real person",
    "talk to someone",
    "speak to someone",
    "representative",
    "live agent",
    "support agent",
];

/// Whether the visitor asks for a person (the model would call `request_human_support`).
pub fn wants_human(question: &str) -> bool {
    let q = question.to_lowercase();
    HUMAN_WORDS.iter().any(|w| q.contains(w))
}

/// The article with the most keyword hits; ties go to the earlier article; none gives the
/// fallback.
pub fn lookup(question: &str) -> &'static Article {
    let q = question.to_lowercase();
    ARTICLES
        .iter()
        .map(|a| (a.keywords.iter().filter(|k| q.contains(*k)).count(), a))
        .filter(|(hits, _)| *hits > 0)
        .fold(None::<(usize, &Article)>, |best, (hits, a)| match best {
            Some((b, _)) if b >= hits => best,
            _ => Some((hits, a)),
        })
        .map_or(&FALLBACK, |(_, a)| a)
}

/// Splits text into model-like tokens: each word with the whitespace before it, so the
/// concatenation of tokens is the text.
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if in_word {
                out.push(&text[start..i]);
                start = i;
                in_word = false;
            }
        } else {
            in_word = true;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Helper's source extraction: every `[(n)](url)` link, de-duplicated by `n`, in order of first
/// appearance. Titles come from the article when it knows the page, else the host name.
pub fn sources(text: &str, article: Option<&Article>) -> Vec<Source> {
    let mut out: Vec<Source> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("[(") {
        rest = &rest[at + 2..];
        let Some(close) = rest.find(")](") else { break };
        let id = &rest[..close];
        let after = &rest[close + 3..];
        let Some(end) = after.find(')') else { break };
        let url = &after[..end];
        if !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_digit())
            && !out.iter().any(|s| s.id == id)
        {
            let title = article
                .and_then(|a| a.links.iter().find(|(u, _)| *u == url))
                .map(|(_, t)| (*t).to_string())
                .unwrap_or_else(|| host_of(url).to_string());
            out.push(Source {
                id: id.to_string(),
                url: url.to_string(),
                title,
            });
        }
        rest = &after[end..];
    }
    out
}

fn host_of(url: &str) -> &str {
    let no_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    no_scheme.split('/').next().unwrap_or(no_scheme)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_own_e2e_prompt_hits_the_plan_article() {
        assert_eq!(lookup("How do I change my plan?").slug, "change-plan");
        assert_eq!(lookup("What's the weather?").slug, "fallback");
        assert!(wants_human("I need to talk to a human"));
    }

    #[test]
    fn tokens_concatenate_to_the_text() {
        for a in ARTICLES.iter().chain([&FALLBACK]) {
            assert_eq!(tokens(a.answer).concat(), a.answer);
            assert!(tokens(a.answer).len() > 10);
        }
    }

    #[test]
    fn sources_are_deduplicated_and_titled() {
        let a = lookup("change plan");
        let s = sources(a.answer, Some(a));
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].id, "1");
        assert_eq!(s[0].title, "Changing your plan");
        let s = sources(
            "x [(1)](https://a.test/p) y [(1)](https://a.test/p) [(2)](https://b.test)",
            None,
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].title, "b.test");
    }
}
