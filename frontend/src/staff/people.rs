//! The people pages: `/admin/profile`, where everyone keeps their own name, time zone (the staff
//! app draws every time in it), bio and password; and `/admin/users` (System Managers), where
//! accounts are created, renamed, made System Managers and deactivated.

use leptos::{ev, prelude::*, task::spawn_local};
use mm_api_types::users::{CreateUser, UpdateUser, User};
use mm_i18n::Language;

use super::{Said, Session, api_keys::ApiKeys, on_unauthorized};
use crate::{
    api::ApiError,
    components::{Loading, Problem, set_title},
    zone,
};

fn zone_list() -> impl IntoView {
    view! { <datalist id="zones">{zone::all().into_iter().map(|z| view! { <option value=z></option> }).collect_view()}</datalist> }
}

#[component]
pub fn Profile() -> impl IntoView {
    set_title("Your profile");
    let session = expect_context::<Session>();
    let Some(me) = session.me() else {
        return view! { <Loading /> }.into_any();
    };
    let name = RwSignal::new(me.user.full_name.clone());
    let timezone = RwSignal::new(me.user.timezone.clone());
    let bio = RwSignal::new(me.user.bio.clone().unwrap_or_default());
    // Empty: the organisation's default.
    let language = RwSignal::new(me.user.language.clone().unwrap_or_default());
    let default_language = Language::from_tag(&me.default_language)
        .map_or_else(String::new, |l| l.own_name().to_owned());
    let password = RwSignal::new(String::new());
    let current_password = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let busy = RwSignal::new(false);
    let id = me.user.id;
    let key_zone = Some(me.user.timezone.clone())
        .filter(|z| zone::is_known(z))
        .unwrap_or_else(zone::detected);
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(client) = session.client() else {
            return;
        };
        let change = UpdateUser {
            email: None,
            full_name: Some(name.get_untracked().trim().to_owned()),
            password: Some(password.get_untracked()).filter(|p| !p.is_empty()),
            current_password: Some(current_password.get_untracked()).filter(|p| !p.is_empty()),
            is_system_manager: None,
            is_active: None,
            timezone: Some(timezone.get_untracked().trim().to_owned()),
            bio: Some(Some(bio.get_untracked().trim().to_owned()).filter(|b| !b.is_empty())),
            profile_picture_url: None,
            language: Some(Some(language.get_untracked()).filter(|l| !l.is_empty())),
        };
        let id = id;
        busy.set(true);
        spawn_local(async move {
            match client.update_user(id, &change).await {
                Ok(_) => {
                    // The header and every page read the person from the session.
                    if let Ok(me) = client.me().await {
                        session.0.set(Some((client, me)));
                    }
                    let changed_password = !password.get_untracked().is_empty();
                    password.set(String::new());
                    current_password.set(String::new());
                    outcome.set(Some(Ok(if changed_password {
                        "Saved. Your password is changed, and you are signed out everywhere else."
                    } else {
                        "Saved."
                    }
                    .to_owned())));
                }
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                }
            }
            busy.set(false);
        });
    };
    view! {
        <h1>"Your profile"</h1>
        <form class="details settings profile" on:submit=submit>
            <p class="meta">{me.user.email.clone()}</p>
            <div class="field"><label for="full_name">"Name"</label>
                <input id="full_name" type="text" required prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) /></div>
            <div class="field"><label for="timezone">"Time zone (the staff app shows times in it)"</label>
                <input id="timezone" type="text" list="zones" required prop:value=move || timezone.get() on:input=move |e| timezone.set(event_target_value(&e)) />
                {zone_list()}</div>
            <div class="field"><label for="language">"Language of your emails"</label>
                <select id="language" prop:value=move || language.get() on:change=move |e| language.set(event_target_value(&e))>
                    <option value="">{format!("The organisation's ({default_language})")}</option>
                    {Language::ALL.into_iter().map(|l| view! { <option value=l.code()>{l.own_name()}</option> }).collect_view()}
                </select></div>
            <div class="field"><label for="bio">"About you"</label>
                <textarea id="bio" rows="3" prop:value=move || bio.get() on:input=move |e| bio.set(event_target_value(&e))></textarea></div>
            <div class="field"><label for="new_password">"New password (at least 10 characters; leave empty to keep yours)"</label>
                <input id="new_password" type="password" autocomplete="new-password" prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e)) /></div>
            <Show when=move || !password.get().is_empty()>
                <div class="field"><label for="current_password">"Your current password"</label>
                    <input id="current_password" type="password" autocomplete="current-password" required
                        prop:value=move || current_password.get() on:input=move |e| current_password.set(event_target_value(&e)) /></div>
            </Show>
            <Said outcome />
            <button type="submit" class="button primary" disabled=move || busy.get()>"Save profile"</button>
        </form>
        <ApiKeys zone=key_zone />
    }
    .into_any()
}

#[component]
pub fn Users() -> impl IntoView {
    set_title("Users");
    let session = expect_context::<Session>();
    let reload = RwSignal::new(0u32);
    let users = LocalResource::new(move || {
        reload.track();
        let client = session.client();
        async move {
            let found = client.ok_or(ApiError::Network)?.users().await;
            if let Err(error) = &found {
                on_unauthorized(error);
            }
            found
        }
    });
    view! {
        <h1>"Users"</h1>
        <NewUser reload />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(all) => view! {
                        <table class="table users">
                            <thead><tr><th>"Name"</th><th>"Email"</th><th>"Time zone"</th><th>"System Manager"</th><th>"Active"</th></tr></thead>
                            <tbody>{all.into_iter().map(|u| view! { <UserRow user=u reload /> }).collect_view()}</tbody>
                        </table>
                    }.into_any(),
                    Err(error) => view! { <Problem error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// One account; the two switches save at once.
#[component]
fn UserRow(user: User, reload: RwSignal<u32>) -> impl IntoView {
    let session = expect_context::<Session>();
    let failure = RwSignal::new(None::<String>);
    let user_id = user.id;
    let toggle = move |change: UpdateUser| {
        let (Some(client), id) = (session.client(), user_id) else {
            return;
        };
        spawn_local(async move {
            match client.update_user(id, &change).await {
                Ok(_) => failure.set(None),
                Err(error) => {
                    on_unauthorized(&error);
                    failure.set(Some(error.to_string()));
                }
            }
            reload.update(|n| *n += 1);
        });
    };
    let unchanged = UpdateUser::default();
    let (manager, active) = (user.is_system_manager, user.is_active);
    let (make_manager, make_active) = (toggle, toggle);
    let (first, second) = (unchanged.clone(), unchanged);
    view! {
        <tr data-user=user.id.to_string() class:inactive=!active>
            <td>{user.full_name.clone()}{move || failure.get().map(|f| view! { <br /><span class="field-error">{f}</span> })}</td>
            <td>{user.email.clone()}</td>
            <td>{zone::label(&user.timezone)}</td>
            <td><input type="checkbox" aria-label=format!("{} is a System Manager", user.full_name) prop:checked=manager
                on:change=move |_| make_manager(UpdateUser { is_system_manager: Some(!manager), ..first.clone() }) /></td>
            <td><input type="checkbox" aria-label=format!("{} is active", user.full_name) prop:checked=active
                on:change=move |_| make_active(UpdateUser { is_active: Some(!active), ..second.clone() }) /></td>
        </tr>
    }
}

#[component]
fn NewUser(reload: RwSignal<u32>) -> impl IntoView {
    let session = expect_context::<Session>();
    let open = RwSignal::new(false);
    let (email, name, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let timezone = RwSignal::new(zone::detected());
    let manager = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<String, ApiError>>);
    let submit = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(client) = session.client() else {
            return;
        };
        let create = CreateUser {
            email: email.get_untracked().trim().to_owned(),
            full_name: name.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            is_system_manager: manager.get_untracked(),
            is_active: true,
            timezone: Some(timezone.get_untracked().trim().to_owned()),
            bio: None,
            profile_picture_url: None,
            language: None,
        };
        spawn_local(async move {
            match client.create_user(&create).await {
                Ok(user) => {
                    outcome.set(Some(Ok(format!(
                        "{} can now sign in as {}.",
                        user.full_name, user.email
                    ))));
                    email.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(error) => {
                    on_unauthorized(&error);
                    outcome.set(Some(Err(error)));
                }
            }
        });
    };
    view! {
        <p><button type="button" class="button" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>"New user"</button></p>
        <Show when=move || open.get()>
            <form class="details settings new-user" on:submit=submit>
                <div class="field-grid">
                    <div class="field"><label for="new_email">"Email"</label>
                        <input id="new_email" type="email" required prop:value=move || email.get() on:input=move |e| email.set(event_target_value(&e)) /></div>
                    <div class="field"><label for="new_name">"Name"</label>
                        <input id="new_name" type="text" required prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) /></div>
                    <div class="field"><label for="new_user_password">"Password (at least 10 characters)"</label>
                        <input id="new_user_password" type="password" autocomplete="new-password" required prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e)) /></div>
                    <div class="field"><label for="new_timezone">"Time zone"</label>
                        <input id="new_timezone" type="text" list="zones" required prop:value=move || timezone.get() on:input=move |e| timezone.set(event_target_value(&e)) />
                        {zone_list()}</div>
                </div>
                <p class="checks"><label class="check" for="new_manager"><input id="new_manager" type="checkbox" prop:checked=move || manager.get() on:change=move |_| manager.update(|m| *m = !*m) />"System Manager"</label></p>
                <Said outcome />
                <button type="submit" class="button primary">"Create user"</button>
            </form>
        </Show>
    }
}
