"""The accounts' background job: the security notice to a staff member."""

from __future__ import annotations

from enlist.jobs.registry import job_handler


@job_handler("mail.security_notice")
def security_notice(*, user: int, change: str, at: str) -> None:
    from enlist.accounts.services import security_notice_send

    security_notice_send(user_id=user, change=change, at=at)
