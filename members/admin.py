from django.contrib import admin

from branchsite.admin_scoping import BranchScopedAdmin, ScopedInline
from groups.models import GroupMembership
from members.models import Member


class GroupMembershipInline(ScopedInline):
    model = GroupMembership
    fields = ["group", "started_on", "ended_on"]


@admin.register(Member)
class MemberAdmin(BranchScopedAdmin):
    list_display = ["name", "gender", "category", "birth_date", "joined_on", "branch"]
    list_filter = ["branch", "category", "gender"]
    search_fields = ["name"]
    date_hierarchy = "joined_on"
    inlines = [GroupMembershipInline]
    fields = [
        "branch",
        "name",
        "gender",
        "birth_date",
        "category",
        "joined_on",
        "full_member_on",
        "user",
    ]
    raw_id_fields = ["user"]

    def get_fields(self, request, obj=None):
        # Linking login accounts is the site administrator's job until accounts get
        # their own page; a secretary cannot browse the user table.
        fields = super().get_fields(request, obj)
        if not request.user.is_superuser:
            return [f for f in fields if f != "user"]
        return fields
