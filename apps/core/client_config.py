"""What clients are told about this server before and after they log in: the client
configuration and the client license, as Mattermost's flat maps of strings.

Clients read these to decide which screens and options to offer, so features this server
does not have are reported as switched off rather than left out.
"""

from __future__ import annotations

from django.conf import settings

from apps.core.config import SERVER_VERSION


def _flag(value: bool) -> str:
    return "true" if value else "false"


# Features this server does not have: clients must not offer them.
ABSENT_FEATURES = (
    "EnableCustomEmoji",
    "EnableLdap",
    "EnableMultifactorAuthentication",
    "EnableSaml",
    "EnableSignUpWithGitLab",
    "EnforceMultifactorAuthentication",
    "RequireEmailVerification",
    "SendEmailNotifications",
    "SendPushNotifications",
)


def client_config(*, version: str = SERVER_VERSION) -> dict[str, str]:
    """The client configuration map; ``version`` is the server version it announces (the
    legacy API faces announce the generation they imitate)."""
    from apps.core.middleware import BUILD_NUMBER

    config = settings.MATTERMOST
    values = {
        "Version": version,
        "BuildNumber": BUILD_NUMBER,
        "BuildDate": "",
        "BuildHash": "",
        "BuildHashEnterprise": "",
        "BuildEnterpriseReady": "false",
        "SiteName": "Mattermost",
        "SiteURL": config.site_url,
        "DefaultClientLocale": "en",
        "AvailableLocales": "",
        "EnableAPIv3": "true",
        "EnableDeveloper": _flag(config.enable_developer),
        "EnableOpenServer": _flag(config.enable_open_server),
        "EnableUserCreation": _flag(config.enable_user_creation),
        "EnableTeamCreation": "true",
        "EnableSignUpWithEmail": _flag(config.enable_sign_up_with_email),
        "EnableSignInWithEmail": _flag(config.enable_sign_in_with_email),
        "EnableSignInWithUsername": _flag(config.enable_sign_in_with_username),
        "EnableUserAccessTokens": _flag(config.enable_user_access_tokens),
        "EnableBotAccountCreation": _flag(config.enable_bot_account_creation),
        "EnableIncomingWebhooks": _flag(config.enable_incoming_webhooks),
        "EnableCommands": _flag(config.enable_commands),
        "EnableOAuthServiceProvider": _flag(config.enable_oauth_service_provider),
        "EnableOutgoingWebhooks": _flag(config.enable_outgoing_webhooks),
        "EnablePostUsernameOverride": _flag(config.enable_post_username_override),
        "EnablePostIconOverride": _flag(config.enable_post_icon_override),
        "EnableUserDeactivation": _flag(config.enable_user_deactivation),
        "EnableChannelViewedMessages": _flag(config.enable_channel_viewed_messages),
        "ShowEmailAddress": _flag(config.show_email_address),
        "ShowFullName": _flag(config.show_full_name),
        "PasswordMinimumLength": str(config.password_minimum_length),
        "MaxFileSize": str(config.max_file_size),
        "AllowEditPost": "always" if config.post_edit_time_limit < 0 else "time_limit",
        "PostEditTimeLimit": str(config.post_edit_time_limit),
        "RestrictDirectMessage": "any",
        "RestrictTeamInvite": "all",
        "ProfileHeight": "128",
        "ProfileWidth": "128",
        "DiagnosticsEnabled": "false",
        **dict.fromkeys(ABSENT_FEATURES, "false"),
    }
    # Mattermost writes these maps with sorted keys; clients may cache them as text.
    return dict(sorted(values.items()))


def client_license() -> dict[str, str]:
    """The client license map: this server is never licensed."""
    return {"IsLicensed": "false"}
