from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "enlist.matching"
    label = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from enlist.cases.gate import register_flow_check
        from enlist.cases.hooks import register_detail_provider
        from enlist.matching import signals  # noqa: F401  erasure forgets the blocking digests
        from enlist.matching.selectors import case_matches, in_review_queue

        register_detail_provider(case_matches)
        # HQ's review queue is HQ's flow: its cases open without a reason (need-to-know)
        register_flow_check(in_review_queue)
