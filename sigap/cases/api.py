"""Read-only JSON API for cases, in the caller's record scope, audited."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.identity.models import Child

from .models import Case


class ChildSerializer(serializers.ModelSerializer[Child]):
    region = serializers.CharField(source="region_id", allow_null=True)

    class Meta:
        model = Child
        fields = ["id", "name", "nickname", "sex", "birth_date", "birth_year_estimated", "region"]


class CaseSerializer(serializers.ModelSerializer[Case]):
    child = ChildSerializer(read_only=True)
    organisation = serializers.CharField(source="organisation.name")
    worker = serializers.CharField(source="worker.username", allow_null=True, default=None)
    reports: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="tracking_code"
    )

    class Meta:
        model = Case
        fields = ["id", "number", "status", "risk_level", "opened_at", "organisation", "worker", "child", "reports"]


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CaseSerializer

    def get_queryset(self) -> Any:
        return (
            Case.objects.visible_to(self.request.user)
            .select_related("child", "organisation", "worker")
            .prefetch_related("reports")
            .order_by("-opened_at", "-id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        audit.record_many(request.user, Action.LIST, page)
        audit.record_many(request.user, Action.LIST, [c.child for c in page])
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        case = self.get_object()
        audit.record(request.user, Action.VIEW, case)
        audit.record(request.user, Action.VIEW, case.child)
        return Response(self.get_serializer(case).data)
