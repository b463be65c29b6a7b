package resources

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubestate/kubestate/internal/engine"
	. "github.com/kubestate/kubestate/internal/family" //nolint:revive // tables read as data
)

// PersistentVolumes is KSM's persistentvolumes resource.
var PersistentVolumes = &Resource[*corev1.PersistentVolume]{
	Name:         "persistentvolumes",
	Default:      true,
	Prefix:       []string{"persistentvolume"},
	PrefixValues: func(p *corev1.PersistentVolume) []string { return []string{p.Name} },
	New:          func() *corev1.PersistentVolume { return &corev1.PersistentVolume{} },
	ListWatch: clusterListWatch(func(c engine.Clients) lister[*corev1.PersistentVolumeList] {
		return c.Kube.CoreV1().PersistentVolumes()
	}),
	Strip: persistentVolumeStrip,
	Families: []Family[*corev1.PersistentVolume]{
		{
			Name: "kube_persistentvolume_claim_ref", Help: "Information about the Persistent Volume Claim Reference.", Stability: Stable,
			Labels: []string{"name", "claim_namespace"},
			Points: func(p *corev1.PersistentVolume, e *Emitter) {
				if r := p.Spec.ClaimRef; r != nil {
					e.Add(1, r.Name, r.Namespace)
				}
			},
		},
		{
			Name: "kube_persistentvolume_annotations", Help: "Kubernetes annotations converted to Prometheus labels.", Stability: Alpha,
			Points: func(p *corev1.PersistentVolume, e *Emitter) { e.Annotations(p.Annotations) },
		},
		{
			Name: "kube_persistentvolume_labels", Help: "Kubernetes labels converted to Prometheus labels.", Stability: Stable,
			Points: func(p *corev1.PersistentVolume, e *Emitter) { e.Labels(p.Labels) },
		},
		{
			Name: "kube_persistentvolume_status_phase", Help: "The phase indicates if a volume is available, bound to a claim, or released by a claim.", Stability: Stable,
			Labels: []string{"phase"},
			Points: func(p *corev1.PersistentVolume, e *Emitter) {
				if p.Status.Phase == "" {
					return
				}
				for _, ph := range persistentVolumePhases {
					e.Add(BoolFloat(p.Status.Phase == ph), string(ph))
				}
			},
		},
		{
			Name: "kube_persistentvolume_info", Help: "Information about persistentvolume.", Stability: Stable,
			Labels: []string{
				"storageclass", "gce_persistent_disk_name", "ebs_volume_id", "azure_disk_name",
				"fc_wwids", "fc_lun", "fc_target_wwns",
				"iscsi_target_portal", "iscsi_iqn", "iscsi_lun", "iscsi_initiator_name",
				"nfs_server", "nfs_path", "csi_driver", "csi_volume_handle",
				"local_path", "local_fs", "host_path", "host_path_type", "reclaim_policy",
			},
			Points: persistentVolumeInfo,
		},
		{
			Name: "kube_persistentvolume_capacity_bytes", Help: "Persistentvolume capacity in bytes.", Stability: Stable,
			Points: func(p *corev1.PersistentVolume, e *Emitter) {
				storage := p.Spec.Capacity[corev1.ResourceStorage]
				e.Add(float64(storage.Value()))
			},
		},
		{
			Name: "kube_persistentvolume_created", Help: "Unix creation timestamp", Stability: Alpha,
			Points: func(p *corev1.PersistentVolume, e *Emitter) { e.Timestamp(&p.CreationTimestamp) },
		},
		{
			Name: "kube_persistentvolume_deletion_timestamp", Help: "Unix deletion timestamp", Stability: Alpha,
			Points: func(p *corev1.PersistentVolume, e *Emitter) { e.Timestamp(p.DeletionTimestamp) },
		},
		{
			Name: "kube_persistentvolume_csi_attributes", Help: "CSI attributes of the Persistent Volume.", Stability: Alpha, OptIn: true,
			Labels: []string{"csi_mounter", "csi_map_options"},
			Points: func(p *corev1.PersistentVolume, e *Emitter) {
				if csi := p.Spec.CSI; csi != nil {
					// Storage attributes of the Ceph CSI driver; missing keys read as "".
					e.Add(1, csi.VolumeAttributes["mounter"], csi.VolumeAttributes["mapOptions"])
				}
			},
		},
		{
			Name: "kube_persistentvolume_volume_mode", Help: "Volume Mode information for the PersistentVolume.", Stability: Alpha,
			Labels: []string{"volumemode"},
			Points: func(p *corev1.PersistentVolume, e *Emitter) {
				mode := string(corev1.PersistentVolumeFilesystem) // the API default when volumeMode is omitted
				if p.Spec.VolumeMode != nil {
					mode = string(*p.Spec.VolumeMode)
				}
				e.Add(1, mode)
			},
		},
		{
			Name: "kube_persistentvolume_access_mode", Help: "The access mode(s) specified by the persistent volume.", Stability: Alpha,
			Labels: []string{"access_mode"},
			Points: func(p *corev1.PersistentVolume, e *Emitter) {
				for _, m := range p.Spec.AccessModes {
					e.Add(1, string(m))
				}
			},
		},
	},
}

// persistentVolumePhases is KSM's order of the status_phase points.
var persistentVolumePhases = [...]corev1.PersistentVolumePhase{
	corev1.VolumePending, corev1.VolumeAvailable, corev1.VolumeBound, corev1.VolumeReleased, corev1.VolumeFailed,
}

// persistentVolumeInfo emits kube_persistentvolume_info: the labels of the first volume source
// set, in KSM's precedence (GCE PD, EBS, Azure disk, FC, iSCSI, NFS, CSI, local, hostPath); the
// other source labels stay "".
func persistentVolumeInfo(p *corev1.PersistentVolume, e *Emitter) {
	var (
		gcePD, ebs, azureDisk                    string
		fcWWIDs, fcLun, fcTargetWWNs             string
		iscsiPortal, iscsiIQN, iscsiLun, iscsiIn string
		nfsServer, nfsPath                       string
		csiDriver, csiHandle                     string
		localPath, localFS                       string
		hostPath, hostPathType                   string
	)
	s := &p.Spec.PersistentVolumeSource
	switch {
	case s.GCEPersistentDisk != nil:
		gcePD = s.GCEPersistentDisk.PDName
	case s.AWSElasticBlockStore != nil:
		ebs = s.AWSElasticBlockStore.VolumeID
	case s.AzureDisk != nil:
		azureDisk = s.AzureDisk.DiskName
	case s.FC != nil:
		if s.FC.Lun != nil {
			fcLun = strconv.FormatInt(int64(*s.FC.Lun), 10)
		}
		fcTargetWWNs = strings.Join(s.FC.TargetWWNs, ",")
		fcWWIDs = strings.Join(s.FC.WWIDs, ",")
	case s.ISCSI != nil:
		iscsiPortal = s.ISCSI.TargetPortal
		iscsiIQN = s.ISCSI.IQN
		iscsiLun = strconv.FormatInt(int64(s.ISCSI.Lun), 10)
		if s.ISCSI.InitiatorName != nil {
			iscsiIn = *s.ISCSI.InitiatorName
		}
	case s.NFS != nil:
		nfsServer, nfsPath = s.NFS.Server, s.NFS.Path
	case s.CSI != nil:
		csiDriver, csiHandle = s.CSI.Driver, s.CSI.VolumeHandle
	case s.Local != nil:
		localPath = s.Local.Path
		if s.Local.FSType != nil {
			localFS = *s.Local.FSType
		}
	case s.HostPath != nil:
		hostPath = s.HostPath.Path
		if s.HostPath.Type != nil {
			hostPathType = string(*s.HostPath.Type)
		}
	}
	e.Add(1,
		p.Spec.StorageClassName, gcePD, ebs, azureDisk,
		fcWWIDs, fcLun, fcTargetWWNs,
		iscsiPortal, iscsiIQN, iscsiLun, iscsiIn,
		nfsServer, nfsPath, csiDriver, csiHandle,
		localPath, localFS, hostPath, hostPathType, string(p.Spec.PersistentVolumeReclaimPolicy),
	)
}

// persistentVolumeStrip keeps only what the families read: the claim reference's name and
// namespace, storage capacity, access and volume modes, class, reclaim policy, the identifying
// fields of the volume sources kube_persistentvolume_info reports, the CSI attributes of
// kube_persistentvolume_csi_attributes, and the phase.
func persistentVolumeStrip(p *corev1.PersistentVolume) {
	stripMeta(&p.ObjectMeta, metaKept{labels: true, deletion: true})
	old := &p.Spec
	spec := corev1.PersistentVolumeSpec{
		AccessModes:                   old.AccessModes,
		PersistentVolumeReclaimPolicy: old.PersistentVolumeReclaimPolicy,
		StorageClassName:              old.StorageClassName,
		VolumeMode:                    old.VolumeMode,
	}
	if r := old.ClaimRef; r != nil {
		spec.ClaimRef = &corev1.ObjectReference{Name: r.Name, Namespace: r.Namespace}
	}
	if q, ok := old.Capacity[corev1.ResourceStorage]; ok {
		spec.Capacity = corev1.ResourceList{corev1.ResourceStorage: q}
	}
	// Every source the families look at is kept (not just the first), so that even an object with
	// several sources set reads the same.
	src, dst := &old.PersistentVolumeSource, &spec.PersistentVolumeSource
	if s := src.GCEPersistentDisk; s != nil {
		dst.GCEPersistentDisk = &corev1.GCEPersistentDiskVolumeSource{PDName: s.PDName}
	}
	if s := src.AWSElasticBlockStore; s != nil {
		dst.AWSElasticBlockStore = &corev1.AWSElasticBlockStoreVolumeSource{VolumeID: s.VolumeID}
	}
	if s := src.AzureDisk; s != nil {
		dst.AzureDisk = &corev1.AzureDiskVolumeSource{DiskName: s.DiskName}
	}
	if s := src.FC; s != nil {
		dst.FC = &corev1.FCVolumeSource{Lun: s.Lun, TargetWWNs: s.TargetWWNs, WWIDs: s.WWIDs}
	}
	if s := src.ISCSI; s != nil {
		dst.ISCSI = &corev1.ISCSIPersistentVolumeSource{TargetPortal: s.TargetPortal, IQN: s.IQN, Lun: s.Lun, InitiatorName: s.InitiatorName}
	}
	if s := src.NFS; s != nil {
		dst.NFS = &corev1.NFSVolumeSource{Server: s.Server, Path: s.Path}
	}
	if s := src.CSI; s != nil {
		csi := &corev1.CSIPersistentVolumeSource{Driver: s.Driver, VolumeHandle: s.VolumeHandle}
		for _, k := range [...]string{"mounter", "mapOptions"} {
			if v, ok := s.VolumeAttributes[k]; ok {
				if csi.VolumeAttributes == nil {
					csi.VolumeAttributes = make(map[string]string, 2)
				}
				csi.VolumeAttributes[k] = v
			}
		}
		dst.CSI = csi
	}
	if s := src.Local; s != nil {
		dst.Local = &corev1.LocalVolumeSource{Path: s.Path, FSType: s.FSType}
	}
	if s := src.HostPath; s != nil {
		dst.HostPath = &corev1.HostPathVolumeSource{Path: s.Path, Type: s.Type}
	}
	p.Spec = spec
	p.Status = corev1.PersistentVolumeStatus{Phase: p.Status.Phase}
}
