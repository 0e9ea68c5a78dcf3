"""JSON API for reports. Filing is public (idempotent by key, rate-limited); reading needs a login,
follows the same record scope as the pages, and is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.regions.models import Region

from . import ratelimit, reference, services
from .models import Channel, Report, ReportedChild, Sex


class ReportedChildSerializer(serializers.ModelSerializer[ReportedChild]):
    approx_age = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=17)

    class Meta:
        model = ReportedChild
        fields = ["name", "approx_age", "sex"]


class ReportCreateSerializer(serializers.Serializer[Any]):
    client_key = serializers.CharField(
        min_length=8,
        max_length=64,
        required=False,
        help_text="Client-generated idempotency key (or send the Idempotency-Key header). A retry with the same key "
        "returns the first report.",
    )
    description = serializers.CharField(max_length=5000)
    concerns = serializers.ListField(child=serializers.ChoiceField(choices=reference.concern_choices()), min_length=1)
    region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        help_text="Kemendagri code of the most specific known region, e.g. 35.78.01.1002.",
    )
    location_detail = serializers.CharField(max_length=300, required=False, allow_blank=True)
    occurred_on = serializers.DateField(required=False, allow_null=True)
    occurred_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    children = ReportedChildSerializer(many=True, required=False)
    anonymous = serializers.BooleanField(default=False)
    reporter_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    reporter_email = serializers.EmailField(required=False, allow_blank=True)
    consent_to_contact = serializers.BooleanField(default=False)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WEB)

    def validate_occurred_on(self, value: Any) -> Any:
        if value and value > timezone.localdate():
            raise serializers.ValidationError("Tanggal kejadian tidak boleh di masa depan.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("region") and not (attrs.get("location_detail") or "").strip():
            raise serializers.ValidationError({"region": "Pilih wilayah atau tuliskan keterangan lokasi."})
        return attrs

    def to_input(self) -> services.ReportInput:
        d = self.validated_data
        return services.ReportInput(
            description=d["description"],
            concerns=list(d["concerns"]),
            region=d.get("region"),
            location_detail=d.get("location_detail", ""),
            occurred_on=d.get("occurred_on"),
            occurred_text=d.get("occurred_text", ""),
            children=[
                services.ChildInput(
                    name=c.get("name", ""), approx_age=c.get("approx_age"), sex=c.get("sex", Sex.UNKNOWN)
                )
                for c in d.get("children", [])
            ],
            anonymous=d["anonymous"],
            reporter_name=d.get("reporter_name", ""),
            reporter_phone=d.get("reporter_phone", ""),
            reporter_email=d.get("reporter_email", ""),
            consent_to_contact=d["consent_to_contact"],
            channel=d["channel"],
        )


class ReceiptSerializer(serializers.Serializer[Any]):
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    created = serializers.BooleanField()


class ReportSerializer(serializers.ModelSerializer[Report]):
    concerns = serializers.ListField(child=serializers.CharField(), read_only=True)
    children = ReportedChildSerializer(many=True, read_only=True)
    region = serializers.CharField(source="region_id", allow_null=True, read_only=True)
    routed_org = serializers.CharField(source="routed_org.name", allow_null=True, read_only=True, default=None)

    class Meta:
        model = Report
        fields = [
            "id",
            "tracking_code",
            "channel",
            "status",
            "received_at",
            "description",
            "concerns",
            "region",
            "location_detail",
            "occurred_on",
            "occurred_text",
            "children",
            "anonymous",
            "reporter_name",
            "reporter_phone",
            "reporter_email",
            "consent_to_contact",
            "routed_org",
            "risk_level",
            "risk_reason",
            "first_contact_due",
            "outcome",
            "close_reason",
        ]

    def to_representation(self, instance: Report) -> dict[str, Any]:
        data = super().to_representation(instance)
        if instance.anonymous:
            for key in ("reporter_name", "reporter_phone", "reporter_email"):
                data[key] = ""
        return data


class ReportViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Reports (pengaduan). POST is public; GET lists only the reports in the caller's scope."""

    serializer_class = ReportSerializer

    def get_permissions(self) -> list[Any]:
        return [AllowAny()] if self.action == "create" else [IsAuthenticated()]

    def get_queryset(self) -> Any:
        return (
            Report.objects.visible_to(self.request.user)
            .select_related("routed_org")
            .prefetch_related("concern_rows", "children")
            .order_by("-received_at", "-id")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset()) or []
        audit.record_many(request.user, Action.LIST, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        audit.record(request.user, Action.VIEW, report)
        return Response(self.get_serializer(report).data)

    @extend_schema(
        request=ReportCreateSerializer,
        responses={201: ReceiptSerializer, 200: ReceiptSerializer},
        parameters=[OpenApiParameter("Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False)],
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key") or serializer.validated_data.get("client_key") or ""
        if not key:
            raise serializers.ValidationError(
                {"client_key": "Kirim kunci idempoten (client_key atau header Idempotency-Key)."}
            )
        user = request.user if request.user.is_authenticated else None
        if user is None and not ratelimit.allow_new_report(request._request, key):
            raise Throttled(detail="Terlalu banyak laporan dari klien ini dalam satu jam.")
        try:
            report, created = services.submit_report(serializer.to_input(), key, actor=user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"detail": exc.messages}) from exc
        body = {"tracking_code": report.tracking_code, "status": report.status, "created": created}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(
    responses={
        200: inline_serializer("TrackStatus", {"status": serializers.CharField(), "label": serializers.CharField()})
    }
)
@api_view(["GET"])
@permission_classes([AllowAny])
@throttle_classes([])
def track(request: Request, code: str) -> Response:
    """The status of a report by tracking code: received, in_progress or closed. Nothing else."""
    if not ratelimit.allow("track", request._request, limit=120):
        raise Throttled()
    row = Report.objects.filter(tracking_code=code.strip().upper()).values("status").first()
    if row is None:
        return Response({"detail": "Kode lacak tidak ditemukan."}, status=404)
    return Response({"status": row["status"], "label": str(Report(status=row["status"]).get_status_display())})
