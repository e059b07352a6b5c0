from django.contrib import admin

from claims.models import Article, Claim, Entity, Mention, Review, Sentence, Story


class ArticleInline(admin.TabularInline):
    model = Article
    readonly_fields = ("source", "outlet", "title", "published", "ours", "derived_from")
    fields = readonly_fields
    extra = 0
    show_change_link = True


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "analysis_state", "analyzed_at", "created_at"]
    list_filter = ["analysis_state"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ArticleInline]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "story", "outlet", "author", "published", "ours", "derived_from"]
    list_filter = ["ours", "outlet"]
    search_fields = ["title", "source", "outlet", "author"]
    raw_id_fields = ["story", "derived_from"]
    readonly_fields = ["content_hash", "segmented_at", "embedded_at"]


@admin.register(Sentence)
class SentenceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "position", "kind", "claim"]
    list_filter = ["kind"]
    search_fields = ["text"]
    raw_id_fields = ["article", "claim"]
    exclude = ["embedding"]


class ReviewInline(admin.TabularInline):
    model = Review
    readonly_fields = ("sequence", "previous_state", "state", "note", "by_name", "at")
    fields = readonly_fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["__str__", "story", "status", "independent_sources", "review_state"]
    list_filter = ["status", "review_state"]
    raw_id_fields = ["story"]
    readonly_fields = ["review_state", "review_count"]
    inlines = [ReviewInline]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """The audit trail: read-only here, as everywhere."""

    list_display = ["claim", "sequence", "previous_state", "state", "by_name", "at"]
    list_filter = ["state"]
    search_fields = ["note", "by_name"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "story"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["story"]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["text", "entity", "sentence"]
    raw_id_fields = ["entity", "sentence"]
