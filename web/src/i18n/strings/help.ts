import type { Entry } from '../entry.js';

export const helpStrings: Record<string, Entry> = {
  'help.title': { en: 'Help', zh: '帮助' },
  'help.workflow': { en: 'Workflow', zh: '工作流程' },
  'help.step.flights': {
    en: 'Drone operator — Flights: create a flight (give the height above ground and the sensor width if the frames lack them), drop the folder of frames, watch processing. The flight page says what the flight could see (cm/px, area, imprecise frames) and how low to fly next time.',
    zh: '无人机操作员 — 航拍任务：新建任务（若照片缺少信息，请填写离地高度和传感器宽度），拖入照片文件夹，查看处理进度。任务页面显示本次航拍的分辨率（厘米/像素）、覆盖面积、定位不精确的照片，以及下次应飞多低。',
  },
  'help.step.review': {
    en: 'Reviewer — Review: the queue opens on the highest-scoring pending site. Look at the crops, the frame and the imagery on the map; open the original at full resolution with Z; decide with Y or N.',
    zh: '审核员 — 审核：队列从得分最高的待审核点位开始。查看裁剪图、整幅照片和地图上的航拍影像；按 Z 查看全分辨率原图；按 Y 或 N 作出决定。',
  },
  'help.step.snap': {
    en: 'Field officer — Snap a flower on a phone: photo → verdict in seconds, with the position. It works offline and sends when the network returns.',
    zh: '外勤警员 — 手机拍照识别：拍照后数秒内得到结果并记录位置。离线时也可使用，网络恢复后自动发送。',
  },
  'help.step.export': {
    en: 'Exports: confirmed sites as GeoJSON, KML, CSV or GPX for eradication teams; the audit log records every decision.',
    zh: '导出：将已确认点位导出为 GeoJSON、KML、CSV 或 GPX 交给铲除队；审计日志记录每一个决定。',
  },
  'help.keys': { en: 'Keys on the review page', zh: '审核页面快捷键' },
  'help.key.y': { en: 'confirm poppy', zh: '确认为罂粟' },
  'help.key.n': { en: 'reject', zh: '排除' },
  'help.key.next': { en: 'next site', zh: '下一个点位' },
  'help.key.prev': { en: 'previous site', zh: '上一个点位' },
  'help.key.u': { en: 'undo the last decision', zh: '撤销上一个决定' },
  'help.key.z': { en: 'original at full resolution (Esc closes; wheel or +/− zoom; 0 whole frame; 1 native size)', zh: '全分辨率原图（Esc 关闭；滚轮或 +/− 缩放；0 整幅；1 原始大小）' },
  'help.key.esc': { en: 'leave a text field, close the viewer', zh: '离开输入框、关闭查看器' },
  'help.model': { en: 'What the model can and cannot tell apart', zh: '模型能区分什么、不能区分什么' },
  'help.model.family': {
    en: 'It flags the poppy family — corn poppy (虞美人), wild Papaver, opium poppy seedlings and capsules, Californian and tree poppy — because an officer wants all of them looked at. Whether a flagged plant is opium poppy (Papaver somniferum) or a look-alike is a human decision: the model has seen very little real opium poppy.',
    zh: '模型会标出罂粟科植物——虞美人、野生罂粟属、罂粟幼苗和蒴果、花菱草、木罂粟——因为这些都需要警员查看。被标出的植物究竟是罂粟（Papaver somniferum）还是相似植物，须由人判断：模型见过的真实罂粟样本很少。',
  },
  'help.model.drone': {
    en: 'From a drone at 2 cm/px a flower head is 3–6 pixels. Pale, pink and mauve flowers of other species can look the same. Every detection is for review, and a frame without detections does not clear a field.',
    zh: '无人机在 2 厘米/像素时，一朵花只有 3–6 个像素。其他植物的淡色、粉色、紫色花朵可能看起来一样。每个检测结果都需要人工审核；没有检测结果的照片并不能证明田里没有罂粟。',
  },
  'help.model.height': {
    en: 'Fly low enough: the flight page tells you the ground resolution and the height to fly below for your camera.',
    zh: '请飞得足够低：任务页面会给出地面分辨率，以及您的相机应低于多少米飞行。',
  },
  'help.model.snap': {
    en: '"Uncertain" on the phone means: take a closer photo of the flower, the capsule or a leaf, and let an expert review it. Seedling verdicts are weak.',
    zh: '手机上显示“不确定”时：请靠近拍摄花朵、蒴果或叶片，并交由专家审核。对幼苗的判断可靠性较低。',
  },
};
