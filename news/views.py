from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orgs import access
from unionportal.lib.query import query_id, query_int, query_month

from . import charts, exports, notices, selectors, services
from .forms import NewsItemForm, PreferenceForm, PublishForm, ReasonForm, RemindNowForm, ReopenForm, ReturnForm
from .models import NewsItem, NewsPhoto, NewsStatus, NotificationPreference
from .months import deadline, local_today, months_back, parse_month
from .reach import selectors as reach_selectors
from .tasks import news_reminders_run_task

PER_PAGE = 25
ORG_SELECT_MAX = 300  # the review queue lists this many primaries to pick from at most, then searches by name
ORG_TEXT_MAX = 100


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def news_list(request: HttpRequest) -> HttpResponse:
    """The primary admin's own items."""
    if not selectors.author_organisations(request.user).exists():  # a superuser writes for thousands
        raise Http404
    items = selectors.author_items(request.user).order_by("-reporting_month", "-pk")
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "news/news_list.html", {"page_obj": page})


def _item_form(request, *, organisations, item: NewsItem | None = None):
    organisation = item.organisation if item else organisations[0]
    months = selectors.open_months(organisation)
    if item and item.reporting_month not in months:
        months.append(item.reporting_month)
    initial = {"reporting_month": months[0].isoformat()}
    if item:
        initial = {
            "organisation": item.organisation_id,
            "title": item.title,
            "text": item.text,
            "event_date": item.event_date,
            "reporting_month": item.reporting_month.isoformat(),
            "links": item.links,
        }
    return NewsItemForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        months=months,
        photos=list(item.photos.all()) if item else [],
        initial=initial,
    )


def _save_and_maybe_submit(request, form, save) -> HttpResponse | None:
    try:
        item = save()
    except ValidationError as error:
        _form_errors(form, error)
        return None
    if "submit" in request.POST:
        try:
            services.news_submit(item=item)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("news:detail", item.pk)
        messages.success(request, _("The news was sent to your territorial organisation."))
    else:
        messages.success(request, _("The draft was saved."))
    return redirect("news:detail", item.pk)


@login_required
def news_create(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.author_organisations(request.user).order_by("name"))
    if not organisations:
        raise Http404
    form = _item_form(request, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = next((o for o in organisations if o.pk == data["organisation"]), None)
        if organisation is None:
            raise Http404
        response = _save_and_maybe_submit(
            request,
            form,
            lambda: services.news_create(
                author=request.user,
                organisation=organisation,
                title=data["title"],
                text=data["text"],
                event_date=data["event_date"],
                reporting_month=parse_month(data["reporting_month"]),
                links=data["links"],
                photos=data["photos"],
            ),
        )
        if response:
            return response
    return render(request, "news/news_form.html", {"form": form})


@login_required
def news_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.author_items(request.user), pk=pk)
    if not item.is_editable:
        messages.error(request, _("Only a draft or a returned item can be edited."))
        return redirect("news:detail", item.pk)
    form = _item_form(request, organisations=[item.organisation], item=item)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = _save_and_maybe_submit(
            request,
            form,
            lambda: services.news_update(
                item=item,
                title=data["title"],
                text=data["text"],
                event_date=data["event_date"],
                reporting_month=parse_month(data["reporting_month"]),
                links=data["links"],
                photos=data["photos"],
                remove_photo_ids=data.get("remove_photos") or [],
            ),
        )
        if response:
            return response
    return render(request, "news/news_form.html", {"form": form, "item": item})


@login_required
def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.visible_item_or_404(request.user, pk)
    can_review = selectors.can_review(request.user, item)
    return render(
        request,
        "news/news_detail.html",
        {
            "item": item,
            "can_author": selectors.can_author(request.user, item),
            "can_review": can_review,
            "can_union_review": selectors.can_union_review(request.user, item),
            "steps": selectors.review_steps(item),
            "return_form": ReturnForm(),
            "publish_form": PublishForm(initial={"url": item.published_url}),
        },
    )


@login_required
@require_POST
def news_submit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.author_items(request.user), pk=pk)
    try:
        services.news_submit(item=item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The news was sent to your territorial organisation."))
    return redirect("news:detail", item.pk)


def _review_action(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    item = get_object_or_404(selectors.reviewable_items(request.user), pk=pk)
    try:
        action(item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("news:detail", item.pk)


@login_required
@require_POST
def news_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_action(
        request, pk, lambda item: services.news_accept(item=item, by=request.user), _("The news was accepted.")
    )


@login_required
@require_POST
def news_return(request: HttpRequest, pk: int) -> HttpResponse:
    comment = request.POST.get("comment", "")
    return _review_action(
        request,
        pk,
        lambda item: services.news_return(item=item, by=request.user, comment=comment),
        _("The news was returned to the author."),
    )


@login_required
@require_POST
def news_publish(request: HttpRequest, pk: int) -> HttpResponse:
    url = request.POST.get("url", "")
    return _review_action(
        request,
        pk,
        lambda item: services.news_publish(item=item, by=request.user, url=url),
        _("The news is marked as published."),
    )


@login_required
@require_POST
def news_forward(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_action(
        request,
        pk,
        lambda item: services.news_forward(item=item, by=request.user),
        _("The news was forwarded to the union's information department."),
    )


# --- decisions taken back (each with a reason, on a confirmation page) and the union's review --------

WITHDRAWALS = {
    # action: (who may: "review" — the territory's reviewers, "union" — the information department), texts.
    "unaccept": (
        "review",
        services.news_unaccept,
        gettext_lazy("Withdraw the acceptance?"),
        gettext_lazy(
            "The item goes back to «Submitted» and waits for a decision again. The reason is kept in its history."
        ),
        gettext_lazy("Withdraw the acceptance"),
        gettext_lazy("The acceptance was withdrawn."),
    ),
    "unforward": (
        "review",
        services.news_unforward,
        gettext_lazy("Take the forwarding back?"),
        gettext_lazy("The item leaves the union's information department. The reason is kept in its history."),
        gettext_lazy("Take the forwarding back"),
        gettext_lazy("The forwarding was taken back."),
    ),
    "union_return": (
        "union",
        services.news_union_return,
        gettext_lazy("Return the item to the territorial organisation?"),
        gettext_lazy(
            "The item is no longer forwarded to the union; the territorial organisation sees the reason "
            "in its history and may correct it and forward it again."
        ),
        gettext_lazy("Return to the territorial organisation"),
        gettext_lazy("The item was returned to the territorial organisation."),
    ),
    "union_unaccept": (
        "union",
        services.news_union_unaccept,
        gettext_lazy("Withdraw the union's acceptance?"),
        gettext_lazy(
            "The item waits for the information department's decision again. The reason is kept in its history."
        ),
        gettext_lazy("Withdraw the union's acceptance"),
        gettext_lazy("The union's acceptance was withdrawn."),
    ),
}


def _scoped_items(request: HttpRequest, who: str):
    if who == "union":
        return selectors.union_reviewable_items(request.user)
    return selectors.reviewable_items(request.user)


@login_required
def news_withdraw(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """GET: the confirmation page with the reason; POST: take the decision back."""
    if action not in WITHDRAWALS:
        raise Http404
    who, service, question, consequence, button, done = WITHDRAWALS[action]
    item = get_object_or_404(_scoped_items(request, who), pk=pk)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service(item=item, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("news:detail", item.pk)
    return render(
        request,
        "news/review_withdraw.html",
        {"item": item, "form": form, "question": question, "consequence": consequence, "button": button},
    )


@login_required
@require_POST
def news_union_accept(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.union_reviewable_items(request.user), pk=pk)
    try:
        services.news_union_accept(item=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The news was accepted by the union."))
    return redirect("news:detail", item.pk)


@login_required
def month_reopening_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST: close the reopened month again."""
    reopening = selectors.reopening_or_404(request.user, pk)
    if request.method == "POST":
        try:
            services.month_reopening_withdraw(reopening=reopening, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(month)s is closed again for %(organisation)s.")
                % {"month": f"{reopening.month:%m.%Y}", "organisation": reopening.organisation.name},
            )
        return redirect("news:reopen")
    return render(request, "news/reopening_withdraw.html", {"reopening": reopening})


@login_required
def news_photo(request: HttpRequest, pk: int, photo_pk: int, variant: str) -> FileResponse:
    item = selectors.visible_item_or_404(request.user, pk)
    photo = get_object_or_404(NewsPhoto, pk=photo_pk, item=item)
    field = photo.thumbnail if variant == "thumb" else photo.image
    return FileResponse(field.open("rb"))


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    if not access.has_role(request.user, *selectors.REVIEW_ROLES):
        raise Http404
    month = query_month(request.GET.get("month"))
    status = request.GET.get("status", "")
    if status not in NewsStatus.values:
        status = ""
    organisation_id = query_id(request.GET.get("organisation"))
    organisation_text = request.GET.get("org", "").strip()[:ORG_TEXT_MAX]
    forwarded = request.GET.get("forwarded") == "1"
    items = selectors.review_queue(
        request.user,
        month=month,
        status=status,
        organisation_id=organisation_id,
        organisation_text=organisation_text,
        forwarded=forwarded,
    )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    reach_selectors.attach_reach(page.object_list)  # posts it appeared in, and suggestions to confirm
    # A list of the primaries in scope while they fit one, a search by name past that (the union's thousands).
    organisations, chosen = selectors.review_organisation_filter(request.user, organisation_id, list_max=ORG_SELECT_MAX)
    query = request.GET.copy()
    query.pop("page", None)
    without_organisation = query.copy()
    without_organisation.pop("organisation", None)
    return render(
        request,
        "news/review_queue.html",
        {
            "page_obj": page,
            "organisations": organisations,
            "chosen_organisation": chosen,
            "statuses": [choice for choice in NewsStatus.choices if choice[0] != NewsStatus.DRAFT],
            "filters": {
                "month": f"{month:%Y-%m}" if month else "",
                "status": status,
                "organisation": organisation_id,
                "org": organisation_text,
                "forwarded": forwarded,
            },
            "query": query.urlencode(),
            "query_without_organisation": without_organisation.urlencode(),
        },
    )


def _report_months(request: HttpRequest) -> list:
    last = query_month(request.GET.get("until")) or local_today().replace(day=1)
    count = query_int(request.GET.get("months"), minimum=2, maximum=24) or 6
    return months_back(last, count)


@login_required
def completeness(request: HttpRequest) -> HttpResponse:
    if not access.has_role(request.user, *selectors.COMPLETENESS_ROLES):
        raise Http404
    months = _report_months(request)
    report = selectors.completeness(request.user, months)
    due = [totals for totals in report.union_totals if totals.is_due]  # a month not yet due has no rate to plot
    chart = charts.reporting_rate_trend(
        [f"{totals.month:%m.%Y}" for totals in due],
        [totals.rate for totals in due],
        [totals.on_time_rate for totals in due],
        (_("Sent, %"), _("On time, %")),
    )
    return render(
        request,
        "news/completeness.html",
        {
            "report": report,
            "chart": chart,
            "labels": exports.state_labels(),
            "query": request.GET.urlencode(),
            "can_remind": access.has_role(request.user, *selectors.REVIEW_ROLES),  # the presidium only reads
        },
    )


@login_required
def completeness_xlsx(request: HttpRequest) -> HttpResponse:
    if not access.has_role(request.user, *selectors.COMPLETENESS_ROLES):
        raise Http404
    months = _report_months(request)
    content = exports.completeness_xlsx(selectors.completeness(request.user, months))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="news-completeness-{months[-1]:%Y-%m}.xlsx"'
    return response


@login_required
def digest_docx(request: HttpRequest, pk: int, month: str) -> HttpResponse:
    territorial = get_object_or_404(selectors.review_territorials(request.user), pk=pk)
    month_date = parse_month(month)
    if month_date is None:
        raise Http404
    items = list(selectors.accepted_for_digest(territorial, month_date))
    content = exports.digest_docx(territorial=territorial, month=month_date, items=items)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="news-digest-{territorial.pk}-{month_date:%Y-%m}.docx"'
    return response


@login_required
def month_reopen(request: HttpRequest) -> HttpResponse:
    if not access.has_role(request.user, *selectors.REVIEW_ROLES):
        raise Http404
    organisations = list(selectors.reopenable_organisations(request.user))
    form = ReopenForm(request.POST if request.method == "POST" else None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        organisation = get_object_or_404(
            selectors.reopenable_organisations(request.user), pk=form.cleaned_data["organisation"]
        )
        try:
            services.month_reopen(organisation=organisation, month=form.cleaned_data["month"], by=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("%(month)s is open again for %(organisation)s.")
                % {"month": f"{form.cleaned_data['month']:%m.%Y}", "organisation": organisation.name},
            )
            return redirect("news:reopen")
    page = Paginator(selectors.reopenings(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "news/month_reopen.html", {"form": form, "page_obj": page})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    offered = selectors.offered_notices(request.user)
    current = NotificationPreference.objects.filter(user=request.user).first()
    initial = {name: getattr(current, name) if current else True for name in offered}
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial, offered=offered)
    if request.method == "POST" and form.is_valid():
        services.notification_preference_update(user=request.user, offered=offered, values=form.cleaned_data)
        messages.success(request, _("Your notice settings were saved."))
        return redirect("news:preferences")
    return render(request, "news/preferences.html", {"form": form, "offered": offered})


def _reminder_months() -> list:
    """The months one may remind about: the current one and five before it, newest first."""
    return list(reversed(months_back(local_today(), 6)))


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    """Who will be reminded about a month, «Remind now» (once a day per scope) and the log of reminders."""
    if not access.has_role(request.user, *selectors.REVIEW_ROLES):
        raise Http404
    months = _reminder_months()
    month = query_month(request.GET.get("month"))
    if month not in months:
        month = months[1]  # the schedule reminds about the previous month
    if request.method == "POST":
        form = RemindNowForm(request.POST, months=months)
        if not form.is_valid():
            messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
            return redirect("news:reminders")
        month = parse_month(form.cleaned_data["month"])
        try:
            run = notices.reminders_start(user=request.user, month=month)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            news_reminders_run_task.delay_on_commit(run.pk)
            messages.success(request, _("Reminders for %(month)s are being sent.") % {"month": f"{month:%m.%Y}"})
        return redirect(f"{reverse('news:reminders')}?month={month:%Y-%m}")
    paths = selectors.reminder_scope(request.user)
    page = Paginator(selectors.reminder_log(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "news/reminders.html",
        {
            "month": month,
            "months": months,
            "targets": selectors.reminder_plan(month, paths),
            "deadline": deadline(month),
            "form": RemindNowForm(initial={"month": f"{month:%Y-%m}"}, months=months),
            "reminded_today": selectors.reminded_today(selectors.reminder_scope_key(paths), local_today()),
            "page_obj": page,
            "query": f"month={month:%Y-%m}",
        },
    )
