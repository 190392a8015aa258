"""Meeting pages (being written in this session)."""

from django.http import Http404


def _pending(request, pk):
    raise Http404


meeting_list = meeting_create = make_up_list = meeting_detail = meeting_edit = _pending
meeting_attendance = meeting_motions = meeting_review = meeting_delete = _pending
attachment_add = attachment_file = attachment_remove = make_up_close = _pending
