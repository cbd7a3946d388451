//! Sends text messages through Twilio's Messages API, to the countries an operator allows. No
//! provider is configured by default; SMS rows then wait in the outbox like emails without SMTP.

/// The country (ISO 3166-1 alpha-2) a number in E.164 form (`+4512345678`) belongs to, by the
/// numbering plans of libphonenumber; `None` when no country's plan knows it. Text messages are
/// sent only to countries an operator allows: numbers abroad can cost many times a local one,
/// and a booking form must not be a way to run up that bill.
pub fn country_of(e164: &str) -> Option<String> {
    let number = phonenumber::parse(None, e164).ok()?;
    number.country().id().map(|id| id.as_ref().to_owned())
}

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("the SMS provider is unreachable: {0}")]
    Unreachable(String),
    #[error("the SMS provider refused the message (HTTP {status}): {body}")]
    Refused { status: u16, body: String },
}

/// Sends text messages through Twilio's Messages API (`POST
/// /2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded `To`, `From`, `Body`, HTTP
/// basic auth with the account SID and auth token).
#[derive(Debug, Clone)]
pub struct TwilioSms {
    client: reqwest::Client,
    messages_url: String,
    account_sid: String,
    auth_token: String,
    from: String,
}

impl TwilioSms {
    /// `api_base` is `https://api.twilio.com` in production.
    pub fn new(api_base: &str, account_sid: &str, auth_token: &str, from: &str) -> Self {
        Self {
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(30))
                .build()
                .unwrap_or_default(),
            messages_url: format!(
                "{}/2010-04-01/Accounts/{account_sid}/Messages.json",
                api_base.trim_end_matches('/')
            ),
            account_sid: account_sid.to_owned(),
            auth_token: auth_token.to_owned(),
            from: from.to_owned(),
        }
    }

    /// Sends `text` to `to` (E.164).
    pub async fn send(&self, to: &str, text: &str) -> Result<(), SmsError> {
        let response = self
            .client
            .post(&self.messages_url)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&[("To", to), ("From", self.from.as_str()), ("Body", text)])
            .send()
            .await
            .map_err(|e| SmsError::Unreachable(e.to_string()))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let body: String = response
            .text()
            .await
            .unwrap_or_default()
            .chars()
            .take(500)
            .collect();
        Err(SmsError::Refused {
            status: status.as_u16(),
            body,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_names_its_country_by_its_numbering_plan() {
        assert_eq!(country_of("+4512345678").as_deref(), Some("DK"));
        assert_eq!(country_of("+14155550123").as_deref(), Some("US"));
        // +1 876 is Jamaica, not the United States, though both dial +1.
        assert_eq!(country_of("+18765550123").as_deref(), Some("JM"));
        assert_eq!(country_of("+46701234567").as_deref(), Some("SE"));
        assert_eq!(country_of("not a number"), None);
    }
}
