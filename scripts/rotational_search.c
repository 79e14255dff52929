/* Simulated annealing for the base rounds of scripts/find_rotational_fours.py (offline; the
 * Python script compiles and runs it, checks and prints the result).
 *
 * rotational_search FORM n seed steps temperature cycle
 *   FORM 1: one list of the (n - 1)/2 classes {x, -x} of Z_n, pairs (x_j, y_j) = (L[j],
 *           L[t + j]), used for all three pairs of copies;
 *   FORM 3: three lists, copy c's first half paired with copy c + 1's second half;
 *   FORM 4: four copies (4n people), a set Y of (n - 1)/6 classes, then four lists, a third
 *           per other copy in increasing order.
 * The cost is the number of repeated (or zero) classes among x + y and x - y for each pair
 * of copies (with (b - a) * Y for FORM 4); a move swaps two entries of one list (or, for
 * FORM 4, changes an element of Y) and is kept with probability exp(-delta / T). With
 * cycle = 1, T is scaled by 1.6, 1.3, ..., 0.4 in turn every 2**24 steps.
 * Prints "n: numbers" (Y first for FORM 4) or "n: none found".
 */

#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <stdint.h>
static uint64_t s;
static inline uint64_t rnd(void){s^=s<<13;s^=s>>7;s^=s<<17;return s;}
static int n,K,t,C,P,pa[6],pb[6],segA[6],segB[6];
static int L[4][1024], cnt[6][1024], ys[256], bp[4][1024], bj[4][1024], dmul[6];
static int cls(long d){d%=n; if(d<0)d+=n; return d<n-d?d:n-d;}
static long excess=0;
static void add(int p,int d,int sg){ if(sg<0){cnt[p][d]--; if(cnt[p][d]>=1||d==0)excess--;} else {if(cnt[p][d]>=1||d==0)excess++; cnt[p][d]++;}}
static void blk(int p,int j,int sg){int x=L[pa[p]][segA[p]*t+j],y=L[pb[p]][segB[p]*t+j]; add(p,cls(x+y),sg); add(p,cls(x-y),sg);}
static void swp(int c,int i,int i2){int p1=bp[c][i],j1=bj[c][i],p2=bp[c][i2],j2=bj[c][i2]; blk(p1,j1,-1); blk(p2,j2,-1); int z=L[c][i];L[c][i]=L[c][i2];L[c][i2]=z; blk(p1,j1,1); blk(p2,j2,1);}
static void sety(int i,int y,int sg){for(int p=0;p<P;p++) add(p,cls((long)dmul[p]*y),sg);}
int main(int argc,char**argv){
  C=atoi(argv[1]); n=atoi(argv[2]); s=atoll(argv[3])*2654435761ULL+1; long steps=atol(argv[4]); double T=atof(argv[5]); int cycle=argc>6?atoi(argv[6]):0;
  K=(n-1)/2;
  if(C==1){P=1;t=K/2;pa[0]=pb[0]=0;segA[0]=0;segB[0]=1;}
  else if(C==3){P=3;t=K/2; for(int p=0;p<3;p++){pa[p]=p;pb[p]=(p+1)%3;segA[p]=0;segB[p]=1;}}
  else {P=6;t=K/3;int q=0; for(int a=0;a<4;a++)for(int b=a+1;b<4;b++){pa[q]=a;pb[q]=b;segA[q]=b-1;segB[q]=a; dmul[q]=b-a; q++;}}
  for(int p=0;p<P;p++) for(int j=0;j<t;j++){bp[pa[p]][segA[p]*t+j]=p;bj[pa[p]][segA[p]*t+j]=j;bp[pb[p]][segB[p]*t+j]=p;bj[pb[p]][segB[p]*t+j]=j;}
  for(int c=0;c<C;c++){for(int i=0;i<K;i++)L[c][i]=i+1; for(int i=K-1;i>0;i--){int j=rnd()%(i+1);int z=L[c][i];L[c][i]=L[c][j];L[c][j]=z;}}
  if(C==4) for(int i=0;i<t;i++){ys[i]=1+rnd()%K; sety(i,ys[i],1);}
  for(int p=0;p<P;p++)for(int j=0;j<t;j++)blk(p,j,1);
  double acc[64]; for(int d=0;d<64;d++)acc[d]=exp(-d/T);
  long best=excess;
  for(long st=0;st<steps;st++){
    if(excess==0)break;
    long before=excess;
    if(C==4 && rnd()%50==0){int i=rnd()%t,old=ys[i],y=1+rnd()%K; sety(i,old,-1); sety(i,y,1); ys[i]=y; long d=excess-before; if(d>0 && (double)(rnd()>>11)/9007199254740992.0>=acc[d<63?d:63]){sety(i,y,-1);sety(i,old,1);ys[i]=old;} continue;}
    int c=rnd()%C,i=rnd()%K,i2=rnd()%K; if(i==i2)continue;
    swp(c,i,i2); long d=excess-before;
    if(d>0 && (double)(rnd()>>11)/9007199254740992.0>=acc[d<63?d:63]) swp(c,i,i2);
    if(excess<best){best=excess;}
    if(cycle && (st&((1<<24)-1))==0){static const double sched[]={1.6,1.3,1.0,0.85,0.7,0.6,0.5,0.45,0.4};static int e=0;double TT=T*sched[e%9];e++;for(int dd=0;dd<64;dd++)acc[dd]=exp(-dd/TT);fprintf(stderr,"%d step %ld excess %ld best %ld T %.3f\n",n,st,excess,best,TT);}
  }
  if(excess){printf("%d: none found\n",n);return 1;}
  printf("%d:",n); if(C==4)for(int i=0;i<t;i++)printf(" %d",ys[i]);
  for(int c=0;c<C;c++)for(int i=0;i<K;i++)printf(" %d",L[c][i]);
  printf("\n");
  return 0;
}
