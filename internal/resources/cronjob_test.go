package resources

import (
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/kubestate/kubestate/internal/family"
)

// Times of KSM's cronjob tests. Without spec.timeZone the schedule runs in the location of the
// time it is applied to (the process's local zone in production), so these are pinned to UTC to
// keep the expected next schedule times independent of the machine's zone.
var (
	cronJobLastSchedule = metav1.Time{Time: time.Unix(1520742896, 0).UTC()}          // 2018-03-11 04:34:56 UTC, 12:34:56 in Asia/Shanghai
	cronJobSuspendedAt  = metav1.Time{Time: time.Unix(1520742896+5.5*3600, 0).UTC()} // 5.5 hours later
	cronJobCreatedAt    = metav1.Time{Time: time.Unix(1520742896+6.5*3600, 0).UTC()} // 2018-03-11 11:04:56 UTC
	cronJobScheduleFams = []string{"kube_cronjob_next_schedule_time", "kube_cronjob_schedule_invalid", "kube_cronjob_status_last_schedule_time"}
)

func TestCronJobFamilies(t *testing.T) {
	runGolden(t, CronJobs, []golden[*batchv1.CronJob]{
		{
			name: "active running with a time zone",
			obj: &batchv1.CronJob{
				ObjectMeta: metav1.ObjectMeta{
					Name:            "ActiveRunningCronJobWithTZ1",
					Namespace:       "ns1",
					Generation:      1,
					ResourceVersion: "11111",
					Labels:          map[string]string{"app": "example-active-running-with-tz-1"},
					Annotations:     map[string]string{"app": "mysql-server", "app.k8s.io/owner": "@foo"},
				},
				Status: batchv1.CronJobStatus{
					Active:           []corev1.ObjectReference{{Name: "FakeJob1"}, {Name: "FakeJob2"}},
					LastScheduleTime: &cronJobLastSchedule,
				},
				Spec: batchv1.CronJobSpec{
					StartingDeadlineSeconds:    ptr.To[int64](300),
					ConcurrencyPolicy:          "Forbid",
					Suspend:                    ptr.To(false),
					Schedule:                   "0 */6 * * *",
					SuccessfulJobsHistoryLimit: ptr.To[int32](3),
					FailedJobsHistoryLimit:     ptr.To[int32](1),
					TimeZone:                   ptr.To("Asia/Shanghai"),
				},
			},
			filter: family.Filter{Annotations: allow(t, "app.k8s.io/owner")},
			// 18:00 in Shanghai is 10:00 UTC.
			want: `
				kube_cronjob_info{namespace="ns1",cronjob="ActiveRunningCronJobWithTZ1",schedule="0 */6 * * *",concurrency_policy="Forbid",timezone="Asia/Shanghai"} 1
				kube_cronjob_annotations{namespace="ns1",cronjob="ActiveRunningCronJobWithTZ1",annotation_app_k8s_io_owner="@foo"} 1
				kube_cronjob_spec_failed_job_history_limit{namespace="ns1",cronjob="ActiveRunningCronJobWithTZ1"} 1
				kube_cronjob_spec_starting_deadline_seconds{namespace="ns1",cronjob="ActiveRunningCronJobWithTZ1"} 300
				kube_cronjob_spec_successful_job_history_limit{namespace="ns1",cronjob="ActiveRunningCronJobWithTZ1"} 3
				kube_cronjob_spec_suspend{namespace="ns1",cronjob="ActiveRunningCronJobWithTZ1"} 0
				kube_cronjob_status_active{namespace="ns1",cronjob="ActiveRunningCronJobWithTZ1"} 2
				kube_cronjob_metadata_resource_version{namespace="ns1",cronjob="ActiveRunningCronJobWithTZ1"} 11111
				kube_cronjob_status_last_schedule_time{namespace="ns1",cronjob="ActiveRunningCronJobWithTZ1"} 1.520742896e+09
				kube_cronjob_next_schedule_time{namespace="ns1",cronjob="ActiveRunningCronJobWithTZ1"} 1.5207624e+09`,
		},
		{
			name: "active running in the times' zone",
			obj: &batchv1.CronJob{
				ObjectMeta: metav1.ObjectMeta{
					Name:            "ActiveRunningCronJob1",
					Namespace:       "ns1",
					Generation:      1,
					ResourceVersion: "11111",
					Labels:          map[string]string{"app": "example-active-running-1"},
					Annotations:     map[string]string{"app": "mysql-server", "app.k8s.io/owner": "@foo"},
				},
				Status: batchv1.CronJobStatus{
					Active:           []corev1.ObjectReference{{Name: "FakeJob1"}, {Name: "FakeJob2"}},
					LastScheduleTime: &cronJobLastSchedule,
				},
				Spec: batchv1.CronJobSpec{
					StartingDeadlineSeconds:    ptr.To[int64](300),
					ConcurrencyPolicy:          "Forbid",
					Suspend:                    ptr.To(false),
					Schedule:                   "0 */6 * * *",
					SuccessfulJobsHistoryLimit: ptr.To[int32](3),
					FailedJobsHistoryLimit:     ptr.To[int32](1),
				},
			},
			filter: family.Filter{Annotations: allow(t, "app.k8s.io/owner")},
			// 06:00 UTC.
			want: `
				kube_cronjob_info{namespace="ns1",cronjob="ActiveRunningCronJob1",schedule="0 */6 * * *",concurrency_policy="Forbid",timezone="local"} 1
				kube_cronjob_annotations{namespace="ns1",cronjob="ActiveRunningCronJob1",annotation_app_k8s_io_owner="@foo"} 1
				kube_cronjob_spec_failed_job_history_limit{namespace="ns1",cronjob="ActiveRunningCronJob1"} 1
				kube_cronjob_spec_starting_deadline_seconds{namespace="ns1",cronjob="ActiveRunningCronJob1"} 300
				kube_cronjob_spec_successful_job_history_limit{namespace="ns1",cronjob="ActiveRunningCronJob1"} 3
				kube_cronjob_spec_suspend{namespace="ns1",cronjob="ActiveRunningCronJob1"} 0
				kube_cronjob_status_active{namespace="ns1",cronjob="ActiveRunningCronJob1"} 2
				kube_cronjob_metadata_resource_version{namespace="ns1",cronjob="ActiveRunningCronJob1"} 11111
				kube_cronjob_status_last_schedule_time{namespace="ns1",cronjob="ActiveRunningCronJob1"} 1.520742896e+09
				kube_cronjob_next_schedule_time{namespace="ns1",cronjob="ActiveRunningCronJob1"} 1.520748e+09`,
		},
		{
			name: "suspended with a time zone: no next schedule time",
			obj: &batchv1.CronJob{
				ObjectMeta: metav1.ObjectMeta{
					Name:            "SuspendedCronJob1",
					Namespace:       "ns1",
					Generation:      1,
					ResourceVersion: "22222",
					Labels:          map[string]string{"app": "example-suspended-1"},
				},
				Status: batchv1.CronJobStatus{
					Active:           []corev1.ObjectReference{},
					LastScheduleTime: &cronJobSuspendedAt,
				},
				Spec: batchv1.CronJobSpec{
					StartingDeadlineSeconds:    ptr.To[int64](300),
					ConcurrencyPolicy:          "Forbid",
					Suspend:                    ptr.To(true),
					Schedule:                   "0 */3 * * *",
					TimeZone:                   ptr.To("Asia/Shanghai"),
					SuccessfulJobsHistoryLimit: ptr.To[int32](3),
					FailedJobsHistoryLimit:     ptr.To[int32](1),
				},
			},
			want: `
				kube_cronjob_info{namespace="ns1",cronjob="SuspendedCronJob1",schedule="0 */3 * * *",concurrency_policy="Forbid",timezone="Asia/Shanghai"} 1
				kube_cronjob_spec_failed_job_history_limit{namespace="ns1",cronjob="SuspendedCronJob1"} 1
				kube_cronjob_spec_starting_deadline_seconds{namespace="ns1",cronjob="SuspendedCronJob1"} 300
				kube_cronjob_spec_successful_job_history_limit{namespace="ns1",cronjob="SuspendedCronJob1"} 3
				kube_cronjob_spec_suspend{namespace="ns1",cronjob="SuspendedCronJob1"} 1
				kube_cronjob_status_active{namespace="ns1",cronjob="SuspendedCronJob1"} 0
				kube_cronjob_metadata_resource_version{namespace="ns1",cronjob="SuspendedCronJob1"} 22222
				kube_cronjob_status_last_schedule_time{namespace="ns1",cronjob="SuspendedCronJob1"} 1.520762696e+09`,
		},
		{
			name: "suspended with a last successful time",
			obj: &batchv1.CronJob{
				ObjectMeta: metav1.ObjectMeta{
					Name:            "SuspendedCronJob1",
					Namespace:       "ns1",
					Generation:      1,
					ResourceVersion: "22222",
					Labels:          map[string]string{"app": "example-suspended-1"},
				},
				Status: batchv1.CronJobStatus{
					Active:             []corev1.ObjectReference{},
					LastScheduleTime:   &cronJobSuspendedAt,
					LastSuccessfulTime: &cronJobSuspendedAt,
				},
				Spec: batchv1.CronJobSpec{
					StartingDeadlineSeconds:    ptr.To[int64](300),
					ConcurrencyPolicy:          "Forbid",
					Suspend:                    ptr.To(true),
					Schedule:                   "0 */3 * * *",
					SuccessfulJobsHistoryLimit: ptr.To[int32](3),
					FailedJobsHistoryLimit:     ptr.To[int32](1),
				},
			},
			want: `
				kube_cronjob_info{namespace="ns1",cronjob="SuspendedCronJob1",schedule="0 */3 * * *",concurrency_policy="Forbid",timezone="local"} 1
				kube_cronjob_spec_failed_job_history_limit{namespace="ns1",cronjob="SuspendedCronJob1"} 1
				kube_cronjob_spec_starting_deadline_seconds{namespace="ns1",cronjob="SuspendedCronJob1"} 300
				kube_cronjob_spec_successful_job_history_limit{namespace="ns1",cronjob="SuspendedCronJob1"} 3
				kube_cronjob_spec_suspend{namespace="ns1",cronjob="SuspendedCronJob1"} 1
				kube_cronjob_status_active{namespace="ns1",cronjob="SuspendedCronJob1"} 0
				kube_cronjob_metadata_resource_version{namespace="ns1",cronjob="SuspendedCronJob1"} 22222
				kube_cronjob_status_last_schedule_time{namespace="ns1",cronjob="SuspendedCronJob1"} 1.520762696e+09
				kube_cronjob_status_last_successful_time{namespace="ns1",cronjob="SuspendedCronJob1"} 1.520762696e+09`,
		},
		{
			name: "never scheduled: next after creation",
			obj: &batchv1.CronJob{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "ActiveCronJob1NoLastScheduled",
					CreationTimestamp: cronJobCreatedAt,
					Namespace:         "ns1",
					Generation:        1,
					ResourceVersion:   "33333",
					Labels:            map[string]string{"app": "example-active-no-last-scheduled-1"},
				},
				Status: batchv1.CronJobStatus{Active: []corev1.ObjectReference{}},
				Spec: batchv1.CronJobSpec{
					StartingDeadlineSeconds:    ptr.To[int64](300),
					ConcurrencyPolicy:          "Forbid",
					Suspend:                    ptr.To(false),
					Schedule:                   "25 * * * *",
					SuccessfulJobsHistoryLimit: ptr.To[int32](3),
					FailedJobsHistoryLimit:     ptr.To[int32](1),
				},
			},
			// 11:25 UTC.
			want: `
				kube_cronjob_spec_starting_deadline_seconds{namespace="ns1",cronjob="ActiveCronJob1NoLastScheduled"} 300
				kube_cronjob_status_active{namespace="ns1",cronjob="ActiveCronJob1NoLastScheduled"} 0
				kube_cronjob_metadata_resource_version{namespace="ns1",cronjob="ActiveCronJob1NoLastScheduled"} 33333
				kube_cronjob_spec_failed_job_history_limit{namespace="ns1",cronjob="ActiveCronJob1NoLastScheduled"} 1
				kube_cronjob_spec_successful_job_history_limit{namespace="ns1",cronjob="ActiveCronJob1NoLastScheduled"} 3
				kube_cronjob_spec_suspend{namespace="ns1",cronjob="ActiveCronJob1NoLastScheduled"} 0
				kube_cronjob_info{namespace="ns1",cronjob="ActiveCronJob1NoLastScheduled",schedule="25 * * * *",concurrency_policy="Forbid",timezone="local"} 1
				kube_cronjob_created{namespace="ns1",cronjob="ActiveCronJob1NoLastScheduled"} 1.520766296e+09
				kube_cronjob_next_schedule_time{namespace="ns1",cronjob="ActiveCronJob1NoLastScheduled"} 1.5207675e+09`,
		},
		{
			name: "nil suspend is not suspended",
			obj: &batchv1.CronJob{
				ObjectMeta: metav1.ObjectMeta{
					Name:              "ActiveCronJobNilSuspend",
					CreationTimestamp: cronJobCreatedAt,
					Namespace:         "ns1",
					Generation:        1,
					ResourceVersion:   "44444",
					Labels:            map[string]string{"app": "example-active-nil-suspend"},
				},
				Status: batchv1.CronJobStatus{Active: []corev1.ObjectReference{}},
				Spec: batchv1.CronJobSpec{
					StartingDeadlineSeconds:    ptr.To[int64](300),
					ConcurrencyPolicy:          "Forbid",
					Schedule:                   "25 * * * *",
					SuccessfulJobsHistoryLimit: ptr.To[int32](3),
					FailedJobsHistoryLimit:     ptr.To[int32](1),
				},
			},
			want: `
				kube_cronjob_spec_starting_deadline_seconds{namespace="ns1",cronjob="ActiveCronJobNilSuspend"} 300
				kube_cronjob_status_active{namespace="ns1",cronjob="ActiveCronJobNilSuspend"} 0
				kube_cronjob_metadata_resource_version{namespace="ns1",cronjob="ActiveCronJobNilSuspend"} 44444
				kube_cronjob_spec_failed_job_history_limit{namespace="ns1",cronjob="ActiveCronJobNilSuspend"} 1
				kube_cronjob_spec_successful_job_history_limit{namespace="ns1",cronjob="ActiveCronJobNilSuspend"} 3
				kube_cronjob_spec_suspend{namespace="ns1",cronjob="ActiveCronJobNilSuspend"} 0
				kube_cronjob_info{namespace="ns1",cronjob="ActiveCronJobNilSuspend",schedule="25 * * * *",concurrency_policy="Forbid",timezone="local"} 1
				kube_cronjob_created{namespace="ns1",cronjob="ActiveCronJobNilSuspend"} 1.520766296e+09
				kube_cronjob_next_schedule_time{namespace="ns1",cronjob="ActiveCronJobNilSuspend"} 1.5207675e+09`,
		},
		{
			name:     "valid schedule",
			obj:      cronJobWithSchedule("ValidScheduleCronJob", "0 */6 * * *", nil),
			families: cronJobScheduleFams,
			want: `
				kube_cronjob_status_last_schedule_time{namespace="ns1",cronjob="ValidScheduleCronJob"} 1.520742896e+09
				kube_cronjob_next_schedule_time{namespace="ns1",cronjob="ValidScheduleCronJob"} 1.520748e+09`,
		},
		{
			name:     "unparseable schedule: step beyond the range",
			obj:      cronJobWithSchedule("UnparseableScheduleCronJob", "*/120 4-22 * * *", nil),
			families: cronJobScheduleFams,
			want: `
				kube_cronjob_status_last_schedule_time{namespace="ns1",cronjob="UnparseableScheduleCronJob"} 1.520742896e+09
				kube_cronjob_schedule_invalid{namespace="ns1",cronjob="UnparseableScheduleCronJob"} 1`,
		},
		{
			name:     "unparseable schedule: list with an out-of-range step",
			obj:      cronJobWithSchedule("UnparseableScheduleCronJob", "0 1 */32,1-7 * 3", nil),
			families: cronJobScheduleFams,
			want: `
				kube_cronjob_status_last_schedule_time{namespace="ns1",cronjob="UnparseableScheduleCronJob"} 1.520742896e+09
				kube_cronjob_schedule_invalid{namespace="ns1",cronjob="UnparseableScheduleCronJob"} 1`,
		},
		{
			name:     "invalid time zone",
			obj:      cronJobWithSchedule("InvalidTimeZoneCronJob", "0 */6 * * *", ptr.To("Invalid/Zone")),
			families: cronJobScheduleFams,
			want: `
				kube_cronjob_status_last_schedule_time{namespace="ns1",cronjob="InvalidTimeZoneCronJob"} 1.520742896e+09
				kube_cronjob_schedule_invalid{namespace="ns1",cronjob="InvalidTimeZoneCronJob"} 1`,
		},
		{
			name:     "named time zone from the embedded tz database",
			obj:      cronJobWithSchedule("NamedTimeZoneCronJob", "0 */6 * * *", ptr.To("Asia/Singapore")),
			families: cronJobScheduleFams,
			want: `
				kube_cronjob_status_last_schedule_time{namespace="ns1",cronjob="NamedTimeZoneCronJob"} 1.520742896e+09
				kube_cronjob_next_schedule_time{namespace="ns1",cronjob="NamedTimeZoneCronJob"} 1.5207624e+09`,
		},
		{
			name:     "descriptor schedule",
			obj:      cronJobWithSchedule("Hourly", "@hourly", ptr.To("UTC")),
			families: cronJobScheduleFams,
			want: `
				kube_cronjob_status_last_schedule_time{namespace="ns1",cronjob="Hourly"} 1.520742896e+09
				kube_cronjob_next_schedule_time{namespace="ns1",cronjob="Hourly"} 1.5207444e+09`,
		},
		{
			name: "neither scheduled nor created: no next schedule time; unparseable resource version",
			obj: &batchv1.CronJob{
				ObjectMeta: metav1.ObjectMeta{Name: "bare", Namespace: "ns1", ResourceVersion: "not-a-number"},
				Spec:       batchv1.CronJobSpec{Schedule: "* * * * *"},
			},
			want: `
				kube_cronjob_info{namespace="ns1",cronjob="bare",schedule="* * * * *",concurrency_policy="",timezone="local"} 1
				kube_cronjob_status_active{namespace="ns1",cronjob="bare"} 0
				kube_cronjob_spec_suspend{namespace="ns1",cronjob="bare"} 0`,
		},
		{
			name: "labels allowlisted",
			obj: &batchv1.CronJob{
				ObjectMeta: metav1.ObjectMeta{Name: "l", Namespace: "ns1", Labels: map[string]string{"app": "a", "tier": "b"}},
			},
			filter:   family.Filter{Labels: allow(t, "tier")},
			families: []string{"kube_cronjob_labels", "kube_cronjob_annotations"},
			want:     `kube_cronjob_labels{namespace="ns1",cronjob="l",label_tier="b"} 1`,
		},
	})
}

func cronJobWithSchedule(name, schedule string, tz *string) *batchv1.CronJob {
	return &batchv1.CronJob{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns1"},
		Status:     batchv1.CronJobStatus{LastScheduleTime: &cronJobLastSchedule},
		Spec:       batchv1.CronJobSpec{Schedule: schedule, TimeZone: tz},
	}
}

func TestCronJobStrip(t *testing.T) {
	c := &batchv1.CronJob{
		Spec: batchv1.CronJobSpec{
			Schedule:    "* * * * *",
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Parallelism: ptr.To[int32](1)}},
		},
		Status: batchv1.CronJobStatus{Active: []corev1.ObjectReference{{Name: "a", Namespace: "n"}, {Name: "b"}}},
	}
	CronJobs.Strip(c)
	if c.Spec.JobTemplate.Spec.Parallelism != nil || len(c.Status.Active) != 2 || c.Status.Active[0].Name != "" || c.Spec.Schedule == "" {
		t.Errorf("unexpected stripped cronjob: %+v", c)
	}
}
